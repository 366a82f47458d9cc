using System.Text.RegularExpressions;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// What a PostgreSQL statement costs an existing table, read from its text: the lock mode the
/// documentation gives for it and how long it is held. A type change is counted as a rewrite,
/// which it is unless the new type is binary-compatible (varchar(n) to a longer varchar or to text).
/// </summary>
internal static class PostgresStatementCosts
{
    private static readonly (Regex Pattern, StatementCost Cost)[] Rules =
    [
        (Rx(@"^CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b"), new("SHARE UPDATE EXCLUSIVE", LockSpan.Scan, BlocksWrites: false)),
        (Rx(@"^CREATE\s+(UNIQUE\s+)?INDEX\b"), new("SHARE", LockSpan.Scan, BlocksWrites: true)),
        (Rx(@"^DROP\s+INDEX\s+CONCURRENTLY\b"), new("SHARE UPDATE EXCLUSIVE", LockSpan.Brief, BlocksWrites: false)),
        (Rx(@"^(CREATE|DROP)\s+(TABLE|SCHEMA|SEQUENCE|VIEW|TYPE|FUNCTION|PROCEDURE|EXTENSION)\b|^CREATE\s+OR\s+REPLACE\b|^COMMENT\b"), new("none on existing tables' rows", LockSpan.Instant, BlocksWrites: false)),
        (Rx(@"^ALTER\s+TABLE\b.*\bVALIDATE\s+CONSTRAINT\b"), new("SHARE UPDATE EXCLUSIVE", LockSpan.Scan, BlocksWrites: false)),
        (Rx(@"^ALTER\s+TABLE\b.*\bFOREIGN\s+KEY\b.*\bNOT\s+VALID\s*$"), new("SHARE ROW EXCLUSIVE", LockSpan.Brief, BlocksWrites: true)),
        (Rx(@"^ALTER\s+TABLE\b.*\bNOT\s+VALID\s*$"), new("ACCESS EXCLUSIVE", LockSpan.Brief, BlocksWrites: true)),
        (Rx(@"^ALTER\s+TABLE\b.*\bUSING\s+INDEX\b"), new("ACCESS EXCLUSIVE", LockSpan.Brief, BlocksWrites: true)),
        (Rx(@"^ALTER\s+TABLE\b.*\bFOREIGN\s+KEY\b"), new("SHARE ROW EXCLUSIVE", LockSpan.Scan, BlocksWrites: true)),
        (Rx(@"^ALTER\s+TABLE\b.*\b(UNIQUE|PRIMARY\s+KEY|CHECK)\b"), new("ACCESS EXCLUSIVE", LockSpan.Scan, BlocksWrites: true)),
        (Rx(@"^ALTER\s+TABLE\b.*\bTYPE\b"), new("ACCESS EXCLUSIVE", LockSpan.Rewrite, BlocksWrites: true, CopiesTable: true, Unless: "the type stays as it is or binary-compatible: then brief")),
        (Rx(@"^ALTER\s+TABLE\b.*\bADD\b.*\bDEFAULT\s+(gen_random_uuid|uuid_generate|random|clock_timestamp|timeofday|nextval)\s*\("), new("ACCESS EXCLUSIVE", LockSpan.Rewrite, BlocksWrites: true, CopiesTable: true)),
        (Rx(@"^ALTER\s+TABLE\b.*\bSET\s+NOT\s+NULL\b"), new("ACCESS EXCLUSIVE", LockSpan.Scan, BlocksWrites: true)),
        (Rx(@"^ALTER\s+TABLE\b|^DROP\s+INDEX\b"), new("ACCESS EXCLUSIVE", LockSpan.Brief, BlocksWrites: true)),
        (Rx(@"^(INSERT|UPDATE|DELETE)\b"), new("ROW EXCLUSIVE and the rows it changes", LockSpan.Brief, BlocksWrites: false)),
    ];

    public static StatementCost? Of(string statement) => Rules.FirstOrDefault(r => r.Pattern.IsMatch(statement.TrimStart())).Cost;

    private static Regex Rx(string pattern) => new(pattern, RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
}
