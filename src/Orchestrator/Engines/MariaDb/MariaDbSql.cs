namespace Orchestrator.Engines.MariaDb;

/// <summary>MariaDB quoting, and reading where a statement ends, for the few places that need them.</summary>
internal static class MariaDbSql
{
    public static string Identifier(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>
    /// True when the last thing in <paramref name="sql"/> outside quotes and comments is a
    /// semicolon: appending another would make an empty statement, which MariaDB refuses in a
    /// multi-statement query. Quotes may hold backslash escapes; "-- " and "#" comment to the end
    /// of the line; /*! */ is code, not a comment.
    /// </summary>
    public static bool EndsWithDelimiter(string sql)
    {
        var last = '\0';
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            if (c is '\'' or '"' or '`')
            {
                i = QuotedEnd(sql, i);
                last = c;
            }
            else if (c == '#' || (c == '-' && next == '-' && (i + 2 >= sql.Length || char.IsWhiteSpace(sql[i + 2]))))
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end;
            }
            else if (c == '/' && next == '*' && (i + 2 >= sql.Length || sql[i + 2] != '!'))
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (!char.IsWhiteSpace(c))
            {
                last = c;
            }
        }

        return last == ';';
    }

    private static int QuotedEnd(string sql, int start)
    {
        var quote = sql[start];
        for (var i = start + 1; i < sql.Length; i++)
        {
            if (sql[i] == '\\' && quote != '`')
            {
                i++;
            }
            else if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    i++;
                }
                else
                {
                    return i;
                }
            }
        }

        return sql.Length;
    }
}
