using System.CommandLine;
using System.Globalization;
using Orchestrator.Backups;
using Orchestrator.Replication;
using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary><c>--to-time | --to-position | --to-transaction [--exclusive]</c>, shared by <c>restore</c> and <c>rehearse</c>.</summary>
internal sealed class RecoveryTargetOptions
{
    public Option<string?> Time { get; } = new("--to-time")
    {
        Description = "Point-in-time: replay the archive after the physical backup up to this moment (the last transaction committed at or before it; on MariaDB, whose binary log keeps whole seconds, the last whose first statement started at or before it), as 2026-12-06T14:03:00Z; UTC unless an offset is given. Needs backup.archive.",
        HelpName = "TIME",
    };

    public Option<string?> Position { get; } = new("--to-position")
    {
        Description = "Point-in-time: replay up to this position: a PostgreSQL LSN such as 0/3000148, or on MariaDB a GTID such as 0-1-42 (as --to-transaction).",
        HelpName = "LSN|GTID",
    };

    public Option<string?> Transaction { get; } = new("--to-transaction")
    {
        Description = "Point-in-time: replay up to this transaction: on PostgreSQL its id, as txid_current() returned it; on MariaDB its GTID, such as 0-1-42 (@@last_gtid).",
        HelpName = "XID|GTID",
    };

    public Option<bool> Exclusive { get; } = new("--exclusive")
    {
        Description = "Stop just before the target instead of just after it (the transaction named, or those committed at exactly the time given, are left out).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Time);
        command.Options.Add(Position);
        command.Options.Add(Transaction);
        command.Options.Add(Exclusive);
    }

    /// <summary>The target given, null for none.</summary>
    /// <exception cref="BackupRefusedException">Two targets, --exclusive alone, or a value that is not one (bad input).</exception>
    public RecoveryTarget? Read(ParseResult parse)
    {
        var given = new (RecoveryTargetKind Kind, string? Text)[] { (RecoveryTargetKind.Time, parse.GetValue(Time)), (RecoveryTargetKind.Position, parse.GetValue(Position)), (RecoveryTargetKind.Transaction, parse.GetValue(Transaction)) }
            .Where(t => t.Text is not null)
            .ToList();
        if (given.Count > 1)
        {
            throw new BackupRefusedException("give one of --to-time, --to-position and --to-transaction");
        }

        if (given.Count == 0)
        {
            return parse.GetValue(Exclusive) ? throw new BackupRefusedException("--exclusive qualifies a target: give --to-time, --to-position or --to-transaction with it") : null;
        }

        return RecoveryTarget.Parse(given[0].Kind, given[0].Text!, inclusive: !parse.GetValue(Exclusive), out var problem) ?? throw new BackupRefusedException(problem);
    }

    /// <summary>Where replay stopped and what it proved, for a person.</summary>
    public static void Print(IAnsiConsole console, RecoveryPoint point)
    {
        var last = point.LastCommitAt is { } at ? $"the last transaction it applied committed at {at.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)} UTC" : "no transaction was replayed after the backup";
        console.MarkupLineInterpolated($"[green]Replayed the archive to {point.Target}[/]: stopped at position {point.ReachedPosition}; {last}.");
        if (point.FirstAfter is { } next)
        {
            console.MarkupLineInterpolated(
                $"[green]The first transaction after the target is absent[/]: transaction {next.Id} (committed at {next.CommittedAt.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)} UTC, position {next.Position}) is {next.StatusAfterRestore} in the restored data.");
        }
        else
        {
            console.MarkupLine("The archive holds no transaction after the target: this is its newest point.");
        }
    }

    /// <summary>The same for scripts; keys are only ever added.</summary>
    public static object? Json(RecoveryPoint? point) => point is null ? null : new
    {
        target = new { kind = point.Target.Kind.ToString().ToLowerInvariant(), value = point.Target.Value, inclusive = point.Target.Inclusive },
        reachedPosition = point.ReachedPosition,
        lastCommitAt = point.LastCommitAt,
        firstAfter = point.FirstAfter is { } next ? new { transaction = next.Id, committedAt = next.CommittedAt, position = next.Position, statusAfterRestore = next.StatusAfterRestore } : null,
        recoverySeconds = Math.Round(point.RecoveryTime.TotalSeconds, 3),
    };
}
