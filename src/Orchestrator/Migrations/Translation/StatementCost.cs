namespace Orchestrator.Migrations.Translation;

/// <summary>How long a statement holds its lock on the table it changes.</summary>
internal enum LockSpan
{
    /// <summary>The catalog only: done at once.</summary>
    Instant,

    /// <summary>A moment, whatever the table's size.</summary>
    Brief,

    /// <summary>While it reads the whole table.</summary>
    Scan,

    /// <summary>While it writes the whole table anew.</summary>
    Rewrite,
}

/// <summary>
/// What one statement costs the table it changes, as plan shows it: the lock it takes, for how
/// long, whether writers wait meanwhile, and whether it copies the table.
/// </summary>
/// <param name="Unless">When the cost is less than that: a condition only the server can judge (a type change that stays binary-compatible).</param>
internal sealed record StatementCost(string Lock, LockSpan Span, bool BlocksWrites, bool CopiesTable = false, string? Unless = null)
{
    /// <summary>A statement on a table created earlier in the same run: it is empty and nobody uses it yet.</summary>
    public static readonly StatementCost NewTable = new("none that anyone waits for: the table is new in this run", LockSpan.Instant, BlocksWrites: false);

    /// <summary>A check that only reads, from a snapshot: it takes no lock writers notice.</summary>
    public static readonly StatementCost Read = new("none: a read from a snapshot", LockSpan.Scan, BlocksWrites: false);

    public override string ToString()
    {
        if (this == NewTable)
        {
            return Lock;
        }

        var span = Span switch
        {
            LockSpan.Instant => "instant",
            LockSpan.Brief => "brief",
            LockSpan.Scan => "for a scan of the table",
            _ => "while the table is rewritten",
        };
        var writers = BlocksWrites ? "writers wait" : "writers go on";
        return $"{Lock}, {span}, {writers}{(CopiesTable ? ", copies the table" : "")}{(Unless is null ? "" : $" (unless {Unless})")}";
    }
}
