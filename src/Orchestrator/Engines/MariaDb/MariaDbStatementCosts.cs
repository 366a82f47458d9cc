using System.Text.RegularExpressions;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// What a MariaDB statement costs an existing InnoDB table, read from its text. Every ALTER takes
/// the table's metadata lock, exclusively for a moment at its start and end; with
/// ALGORITHM=INPLACE, LOCK=NONE writers go on in between, and a change the server could only make
/// by copying is refused. Without those clauses the server picks, and may copy under a lock.
/// </summary>
internal static class MariaDbStatementCosts
{
    private const string Metadata = "metadata lock, exclusive only at start and end";

    private static readonly (Regex Pattern, StatementCost Cost)[] InPlace =
    [
        (Rx(@"\bFOREIGN\s+KEY\b"), new(Metadata, LockSpan.Brief, BlocksWrites: false, Unless: "the referencing column has no index yet: then it is built, a scan")),
        (Rx(@"^CREATE\s+(UNIQUE\s+)?INDEX\b|\bADD\s+(UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?(INDEX|KEY)\b|\bADD\s+CONSTRAINT\b.*\bUNIQUE\b"), new(Metadata, LockSpan.Scan, BlocksWrites: false)),
        (Rx(@"\b(MODIFY|CHANGE)\s+(COLUMN\b)?"), new(Metadata, LockSpan.Rewrite, BlocksWrites: false, Unless: "only the default, name or a compatible size changes: then instant")),
        (Rx(@"\bADD\s+(COLUMN\b)?|\bDROP\s+(COLUMN\b)?|\bRENAME\s+COLUMN\b|\bALTER\s+(COLUMN\s+)?\S+\s+(SET|DROP)\s+DEFAULT\b|^DROP\s+INDEX\b"), new(Metadata, LockSpan.Instant, BlocksWrites: false)),
    ];

    private static readonly (Regex Pattern, StatementCost Cost)[] Other =
    [
        (Rx(@"^(CREATE|DROP)\s+(TABLE|SCHEMA|DATABASE|SEQUENCE|VIEW|FUNCTION|PROCEDURE|TRIGGER|EVENT)\b|^CREATE\s+OR\s+REPLACE\b"), new("none on existing tables' rows", LockSpan.Instant, BlocksWrites: false)),
        (Rx(@"^(ALTER\s+TABLE|CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX)\b"), new("metadata lock; the server picks how (ALGORITHM=DEFAULT)", LockSpan.Rewrite, BlocksWrites: true, CopiesTable: true, Unless: "the server can do it instantly or in place")),
        (Rx(@"^RENAME\s+TABLE\b"), new("metadata lock", LockSpan.Instant, BlocksWrites: true)),
        (Rx(@"^(INSERT|UPDATE|DELETE|REPLACE)\b"), new("the rows it changes", LockSpan.Brief, BlocksWrites: false)),
    ];

    public static StatementCost? Of(string statement)
    {
        var rules = statement.Contains("ALGORITHM=INPLACE", StringComparison.OrdinalIgnoreCase) ? InPlace : Other;
        return rules.FirstOrDefault(r => r.Pattern.IsMatch(statement.TrimStart())).Cost
            ?? (rules == InPlace ? new StatementCost(Metadata, LockSpan.Scan, BlocksWrites: false) : null);
    }

    private static Regex Rx(string pattern) => new(pattern, RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
}
