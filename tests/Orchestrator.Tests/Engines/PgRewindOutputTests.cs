using Orchestrator.Engines.Postgres;
using Orchestrator.Replication;

namespace Orchestrator.Tests.Engines;

/// <summary>pg_rewind's output (PostgreSQL 15) read into what the rejoin did, and the detail a person reads from it.</summary>
public sealed class PgRewindOutputTests
{
    [Fact]
    public void A_rewind_reports_where_the_histories_parted()
    {
        const string output = """
            pg_rewind: servers diverged at WAL location 0/3000148 on timeline 1
            pg_rewind: rewinding from last common checkpoint at 0/2000060 on timeline 1
            pg_rewind: Done!
            """;

        var outcome = PgRewindOutput.Parse(output);

        Assert.Equal(new RejoinOutcome(RejoinMethod.Rewound) { DivergedAt = "0/3000148", DivergedOnTimeline = 1 }, outcome);
        Assert.Equal("pg_rewind: rewound; servers diverged at WAL location 0/3000148 on timeline 1; WAL after that point was discarded", outcome.Text);
    }

    [Fact]
    public void A_node_already_on_the_sources_history_needed_no_rewind()
    {
        var outcome = PgRewindOutput.Parse("pg_rewind: source and target cluster are on the same timeline\npg_rewind: no rewind required\n");

        Assert.Equal(new RejoinOutcome(RejoinMethod.NoRewindRequired), outcome);
        Assert.Equal("pg_rewind: no rewind required", outcome.Text);
    }

    [Fact]
    public void A_rewind_without_the_divergence_line_is_still_a_rewind_without_figures()
    {
        var outcome = PgRewindOutput.Parse("pg_rewind: Done!\n");

        Assert.Equal(new RejoinOutcome(RejoinMethod.Rewound), outcome);
        Assert.Equal("pg_rewind: rewound; its history and the new primary's parted; WAL after that point was discarded", outcome.Text);
    }

    [Fact]
    public void A_demotion_reads_as_the_gtid_position_it_continues_from()
    {
        Assert.Equal("demoted at GTID 0-1-42", new RejoinOutcome(RejoinMethod.Demoted) { Position = "0-1-42" }.Text);
    }
}
