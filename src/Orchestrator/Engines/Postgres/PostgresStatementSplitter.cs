using System.Text;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// Splits PostgreSQL text into single statements, as psql does: a semicolon ends a statement
/// only outside quotes, quoted identifiers, dollar quotes, comments and parentheses, and outside
/// a <c>BEGIN ATOMIC ... END</c> body (counted like psql: BEGIN and CASE after the first word open
/// a block, END closes one). PostgreSQL's extended protocol runs one statement per command, and
/// splitting also lets a failure name the exact statement. Pure.
/// </summary>
internal static class PostgresStatementSplitter
{
    public static IReadOnlyList<string> Split(string sql)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        var words = 0;
        var blockDepth = 0;
        var parenDepth = 0;
        var hasCode = false;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            int end;
            if (c == '-' && next == '-')
            {
                end = sql.IndexOf('\n', i);
                end = end < 0 ? sql.Length : end;
            }
            else if (c == '/' && next == '*')
            {
                end = BlockCommentEnd(sql, i);
            }
            else if (c == '\'')
            {
                end = QuotedEnd(sql, i, '\'', backslashEscapes: IsEscapeStringPrefix(sql, i));
                hasCode = true;
            }
            else if (c == '"')
            {
                end = QuotedEnd(sql, i, '"', backslashEscapes: false);
                hasCode = true;
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var close = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                end = close < 0 ? sql.Length : close + tag.Length;
                hasCode = true;
            }
            else if (IsWordStart(c) && (i == 0 || !IsWordPart(sql[i - 1])))
            {
                end = i + 1;
                while (end < sql.Length && IsWordPart(sql[end]))
                {
                    end++;
                }

                var word = sql[i..end];
                words++;
                if ((word.Equals("BEGIN", StringComparison.OrdinalIgnoreCase) || word.Equals("CASE", StringComparison.OrdinalIgnoreCase)) && words > 1)
                {
                    blockDepth++;
                }
                else if (word.Equals("END", StringComparison.OrdinalIgnoreCase) && blockDepth > 0)
                {
                    blockDepth--;
                }

                hasCode = true;
            }
            else if (c == ';' && blockDepth == 0 && parenDepth == 0)
            {
                Finish(statements, current, hasCode);
                current.Clear();
                words = 0;
                hasCode = false;
                i++;
                continue;
            }
            else
            {
                parenDepth += c == '(' ? 1 : c == ')' && parenDepth > 0 ? -1 : 0;
                hasCode |= !char.IsWhiteSpace(c);
                end = i + 1;
            }

            current.Append(sql, i, end - i);
            i = end;
        }

        Finish(statements, current, hasCode);
        return statements;
    }

    private static void Finish(List<string> statements, StringBuilder current, bool hasCode)
    {
        if (hasCode)
        {
            statements.Add(current.ToString().Trim());
        }
    }

    private static int BlockCommentEnd(string sql, int start)
    {
        var depth = 0;
        for (var i = start; i < sql.Length - 1; i++)
        {
            if (sql[i] == '/' && sql[i + 1] == '*')
            {
                depth++;
                i++;
            }
            else if (sql[i] == '*' && sql[i + 1] == '/')
            {
                depth--;
                i++;
                if (depth == 0)
                {
                    return i + 1;
                }
            }
        }

        return sql.Length;
    }

    /// <summary>The end of a quoted string or identifier; a doubled quote is an escaped one.</summary>
    private static int QuotedEnd(string sql, int start, char quote, bool backslashEscapes)
    {
        for (var i = start + 1; i < sql.Length; i++)
        {
            if (backslashEscapes && sql[i] == '\\')
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
                    return i + 1;
                }
            }
        }

        return sql.Length;
    }

    /// <summary>E'...' strings treat backslashes as escapes; a word ending in E (say, "type'") does not start one.</summary>
    private static bool IsEscapeStringPrefix(string sql, int quote) =>
        quote > 0 && sql[quote - 1] is 'E' or 'e' && (quote == 1 || !IsWordPart(sql[quote - 2]));

    /// <summary>$tag$ or $$ opening a dollar-quoted string; not $1 (a parameter) nor a $ inside a word.</summary>
    private static string? DollarTag(string sql, int start)
    {
        if (start > 0 && IsWordPart(sql[start - 1]))
        {
            return null;
        }

        var i = start + 1;
        if (i < sql.Length && char.IsAsciiDigit(sql[i]))
        {
            return null;
        }

        while (i < sql.Length && sql[i] != '$')
        {
            if (!IsWordPart(sql[i]) || sql[i] == '$')
            {
                return null;
            }

            i++;
        }

        return i < sql.Length ? sql[start..(i + 1)] : null;
    }

    private static bool IsWordStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsWordPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';
}
