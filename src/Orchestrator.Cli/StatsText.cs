using System.Globalization;
using Orchestrator.Backups;
using Orchestrator.Environments;
using Orchestrator.Monitoring;
using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary>stats at a terminal: per node its tables and indexes by size, then what concerns the server, then the unused indexes.</summary>
internal static class StatsText
{
    public static void Print(IAnsiConsole console, EnvironmentDefinition env, EnvironmentStats stats, StatsRequest request)
    {
        foreach (var node in stats.Nodes)
        {
            if (!node.Reachable)
            {
                console.MarkupLineInterpolated($"[bold]{node.Node}[/]: [red]not read[/]: {node.Error}");
                console.WriteLine();
                continue;
            }

            var total = node.Tables.Sum(t => t.TotalBytes);
            console.MarkupLineInterpolated($"[bold]{node.Node}[/]: {Counted.Of(node.Tables.Count, "table")}, {BackupVerification.Size(total)}{(node.Connections is { } c ? $", {Counted.Of(c, "client connection")}" : "")}");
            console.Write(Tables(node.Tables, request.Exact));
            if (node.Indexes.Count > 0)
            {
                console.Write(Indexes(node.Indexes));
            }

            if (node.LongTransactions.Count > 0)
            {
                var table = new Table().Border(TableBorder.Rounded).Title($"transactions open longer than {request.LongTransaction.TotalSeconds:0.#} s").AddColumns("id", "user", "open for", "state", "query");
                foreach (var t in node.LongTransactions)
                {
                    table.AddRow(Markup.Escape(t.Id), Markup.Escape(t.User ?? ""), $"[yellow]{t.Seconds:0} s[/]", Markup.Escape(t.State ?? ""), Markup.Escape(t.Query ?? ""));
                }

                console.Write(table);
            }
            else
            {
                console.MarkupLineInterpolated($"[grey]no transaction open longer than {request.LongTransaction.TotalSeconds:0.#} s[/]");
            }

            foreach (var slot in node.ReplicationSlots)
            {
                console.MarkupLineInterpolated($"replication slot {slot.Name}: {(slot.Active ? "active" : "[yellow]inactive[/]")}, keeps {(slot.RetainedWalBytes is { } b ? BackupVerification.Size(b) : "?")} of WAL");
            }

            if (node.BinlogBytes is { } binlog)
            {
                console.MarkupLineInterpolated($"binary logs: {BackupVerification.Size(binlog)}");
            }

            console.WriteLine();
        }

        var counted = stats.Nodes.Any(n => n.Indexes.Any(i => i.Scans is not null));
        if (!counted)
        {
            console.MarkupLine("[grey]index use is not counted here (MariaDB: userstat is off; SQLite keeps no counters)[/]");
        }
        else if (stats.UnusedIndexes.Count == 0)
        {
            console.MarkupLine("[green]every index that enforces nothing has been used on some node[/]");
        }
        else
        {
            console.MarkupLineInterpolated($"[yellow]{Counted.Of(stats.UnusedIndexes.Count, "index", "indexes")} no node has used since its statistics began[/] (unique and primary-key indexes excluded):");
            foreach (var index in stats.UnusedIndexes)
            {
                console.MarkupLineInterpolated($"  {index.Table}.{index.Index} ({(index.Bytes is { } b ? BackupVerification.Size(b) : "size unknown")})");
            }
        }
    }

    private static Table Tables(IReadOnlyList<TableStats> tables, bool exact)
    {
        // Columns for what the engine reports: vacuum and scan figures (PostgreSQL), reclaimable space (MariaDB).
        var vacuumed = tables.Any(t => t.DeadTuples is not null);
        var reclaimable = tables.Any(t => t.DataFree is not null);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("table", "total", "data", "indexes", exact ? "rows" : "rows (est.)");
        if (vacuumed)
        {
            table.AddColumns("dead", "last vacuum", "last analyze", "seq / idx scans", "HOT updates");
        }
        if (reclaimable)
        {
            table.AddColumn("data_free");
        }

        foreach (var t in tables)
        {
            var cells = new List<string>
            {
                Markup.Escape(t.Table),
                BackupVerification.Size(t.TotalBytes),
                BackupVerification.Size(t.TableBytes),
                BackupVerification.Size(t.IndexBytes),
                Number(exact ? t.RowsExact : t.RowsEstimate),
            };
            if (vacuumed)
            {
                cells.Add(Number(t.DeadTuples));
                cells.Add(Latest(t.LastVacuum, t.LastAutovacuum));
                cells.Add(Latest(t.LastAnalyze, t.LastAutoanalyze));
                cells.Add($"{Number(t.SequentialScans)} / {Number(t.IndexScans)}");
                cells.Add(t.Updates is > 0 ? $"{Number(t.HotUpdates)} of {Number(t.Updates)}" : Number(t.HotUpdates));
            }
            if (reclaimable)
            {
                cells.Add(t.DataFree is { } free ? BackupVerification.Size(free) : "");
            }

            table.AddRow(cells.ToArray());
        }

        return table;
    }

    private static Table Indexes(IReadOnlyList<IndexStats> indexes)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("index", "table", "size", "scans");
        foreach (var i in indexes)
        {
            table.AddRow(
                Markup.Escape(i.Index) + (i.EnforcesConstraint ? " [grey](unique)[/]" : ""),
                Markup.Escape(i.Table),
                i.Bytes is { } b ? BackupVerification.Size(b) : "",
                i.Scans is { } s ? (s == 0 && !i.EnforcesConstraint ? "[yellow]0[/]" : s.ToString("N0", CultureInfo.InvariantCulture)) : "");
        }

        return table;
    }

    private static string Number(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "";

    private static string Latest(DateTime? manual, DateTime? automatic)
    {
        var latest = manual > automatic || automatic is null ? manual : automatic;
        return latest is { } at ? at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + (latest == automatic ? " (auto)" : "") : "never";
    }
}
