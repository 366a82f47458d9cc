using System.Globalization;
using System.Text;

namespace Orchestrator.Engines.MariaDb;

/// <summary>MariaDB quoting, and the binding of ? placeholders to literals escaped by the driver.</summary>
internal static class MariaDbSql
{
    public static string Identifier(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>
    /// Replaces each ? outside quotes and comments with the matching parameter as a literal;
    /// strings go through <paramref name="escape"/> (mysql_real_escape_string).
    /// </summary>
    public static string Bind(string sql, IReadOnlyList<object?> parameters, Func<string, string> escape)
    {
        var output = new StringBuilder(sql.Length + 32);
        var next = 0;
        char? quote = null;
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (quote is not null)
            {
                output.Append(c);
                if (c == '\\' && quote != '`' && i + 1 < sql.Length)
                {
                    output.Append(sql[++i]);
                }
                else if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"' or '`':
                    quote = c;
                    output.Append(c);
                    break;
                case '?':
                    if (next >= parameters.Count)
                    {
                        throw new ArgumentException($"the statement has more ? placeholders than the {parameters.Count} parameters given", nameof(parameters));
                    }

                    output.Append(Literal(parameters[next++], escape));
                    break;
                default:
                    output.Append(c);
                    break;
            }
        }

        if (next != parameters.Count)
        {
            throw new ArgumentException($"the statement has {next} ? placeholders but {parameters.Count} parameters were given", nameof(parameters));
        }

        return output.ToString();
    }

    private static string Literal(object? value, Func<string, string> escape) => value switch
    {
        null => "NULL",
        bool b => b ? "1" : "0",
        string s => "'" + escape(s) + "'",
        byte[] bytes => "X'" + Convert.ToHexString(bytes) + "'",
        DateTime d => "'" + d.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'",
        sbyte or byte or short or ushort or int or uint or long or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        float or double or decimal => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => "'" + escape(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "") + "'",
    };
}
