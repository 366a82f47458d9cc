using System.Globalization;
using System.Text.RegularExpressions;

namespace Orchestrator.Replication;

/// <summary>What a point-in-time restore stops at.</summary>
internal enum RecoveryTargetKind
{
    /// <summary>The last transaction committed at or before a moment (UTC unless the text says otherwise).</summary>
    Time,

    /// <summary>A position in the write-ahead log (a PostgreSQL LSN).</summary>
    Position,

    /// <summary>A transaction, by its id.</summary>
    Transaction,
}

/// <summary>
/// A point-in-time restore's target as the user gave it (<c>--to-time</c>, <c>--to-position</c>,
/// <c>--to-transaction</c>), with whether the target itself is included (the default) or
/// restore stops just before it (<c>--exclusive</c>). Pure: parsed and printed here.
/// </summary>
internal sealed partial record RecoveryTarget(RecoveryTargetKind Kind, string Value, bool Inclusive)
{
    [GeneratedRegex("^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$")]
    private static partial Regex Lsn();

    [GeneratedRegex("^[0-9]{1,10}-[0-9]{1,10}-[0-9]{1,20}$")]
    private static partial Regex Gtid();

    /// <summary>Whether a position or transaction target is a MariaDB GTID (domain-server-sequence).</summary>
    public bool IsGtid => Kind != RecoveryTargetKind.Time && Gtid().IsMatch(Value);

    /// <summary>The moment of a time target; null for the other kinds.</summary>
    public DateTimeOffset? Time => Kind == RecoveryTargetKind.Time
        ? DateTimeOffset.Parse(Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
        : null;

    /// <summary>The target, or null with <paramref name="problem"/> saying what is wrong with the text.</summary>
    public static RecoveryTarget? Parse(RecoveryTargetKind kind, string text, bool inclusive, out string problem)
    {
        problem = "";
        switch (kind)
        {
            case RecoveryTargetKind.Time:
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
                {
                    problem = $"--to-time '{text}' is not a time: write it as 2026-12-06T14:03:00Z, or 2026-12-06 14:03:00 (UTC unless an offset such as +01:00 is given)";
                    return null;
                }

                return new RecoveryTarget(kind, moment.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff+00:00", CultureInfo.InvariantCulture), inclusive);

            case RecoveryTargetKind.Position:
                if (Gtid().IsMatch(text))
                {
                    return new RecoveryTarget(kind, text, inclusive);
                }

                if (!Lsn().IsMatch(text))
                {
                    problem = $"--to-position '{text}' is neither a write-ahead log position, written as PostgreSQL prints one (such as 0/3000148), nor a MariaDB GTID (such as 0-1-42)";
                    return null;
                }

                return new RecoveryTarget(kind, text.ToUpperInvariant(), inclusive);

            default:
                if (Gtid().IsMatch(text))
                {
                    return new RecoveryTarget(kind, text, inclusive);
                }

                if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var xid) || xid < 3)
                {
                    problem = $"--to-transaction '{text}' is not a transaction: a PostgreSQL transaction id (a whole number of at least 3, as txid_current() shows it) or a MariaDB GTID (such as 0-1-42)";
                    return null;
                }

                return new RecoveryTarget(kind, xid.ToString(CultureInfo.InvariantCulture), inclusive);
        }
    }

    public override string ToString() =>
        $"{Kind switch { RecoveryTargetKind.Time => "time", RecoveryTargetKind.Position => "position", _ => "transaction" }} {Value}{(Inclusive ? "" : " (exclusive)")}";
}

/// <summary>
/// Where a point-in-time restore stopped: the last transaction it applied (its commit time and
/// the log position replay reached) and the first transaction after the target, which it proved
/// absent from the restored data (null when the archive holds none after the target).
/// </summary>
internal sealed record RecoveryPoint(RecoveryTarget Target, string ReachedPosition, DateTimeOffset? LastCommitAt, SkippedTransaction? FirstAfter, TimeSpan RecoveryTime);

/// <summary>A transaction the archive holds after the target, and what the restored server says of it (never committed).</summary>
internal sealed record SkippedTransaction(string Id, DateTimeOffset CommittedAt, string Position, string StatusAfterRestore);

/// <summary>A commit the archive records: its transaction, commit time and log position.</summary>
internal sealed record ArchivedCommit(string TransactionId, DateTimeOffset CommittedAt, string Position);
