using Orchestrator.Cli;
using Orchestrator.Environments;
using Orchestrator.Servers;
using Orchestrator.Topology;
using Spectre.Console;

namespace Orchestrator.Tests.Cli;

/// <summary>The status table at a terminal's width: no line longer than the terminal, no text cut, long ones below the table.</summary>
public sealed class StatusTableTests
{
    private const string ReplicationError =
        "Error 'Table 'app.orders' doesn't exist' on query. Default database: 'app'. Query: 'INSERT INTO orders (id, customer_id, placed_at, total) VALUES (1, 2, NOW(), 10.00)', " +
        "Internal MariaDB error code: 1146; the replica's SQL thread stopped at GTID 0-1-4711 and waits for someone to look at it before it applies anything more";

    private const string ConnectionError = "could not connect to 127.0.0.1:55434: Connection refused (is the server running, and does access.allow admit this machine?)";

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    [InlineData(200)]
    public void Every_line_fits_the_terminal_and_long_texts_are_whole_below_the_table(int width)
    {
        var output = Render(width);
        var lines = output.Split('\n');

        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= width, $"{line.TrimEnd().Length} > {width}: {line}"));

        // One line for the header and one per node: no cell wrapped onto a second line.
        Assert.True(lines.Count(l => l.StartsWith('│')) == 4, output);
        // Below the table, whole (wrapped at the terminal's width like any paragraph).
        var text = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
        Assert.Contains("replica-2 not reachable: " + ConnectionError, text, StringComparison.Ordinal);
        Assert.Contains("replica-1 state: " + ReplicationError, text, StringComparison.Ordinal);
        Assert.Contains("replica-1", output, StringComparison.Ordinal);
        Assert.Equal(width >= StatusTable.WideWidth, output.Contains("endpoint", StringComparison.Ordinal));
    }

    private static string Render(int width)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        var environment = TestEnvironments.FromYaml("""
            name: local
            engine: mariadb
            database: app
            nodes:
              - { name: primary, role: primary, port: 55432 }
              - { name: replica-1, role: replica, source: primary, port: 55433 }
              - { name: replica-2, role: replica, source: replica-1, port: 55434 }
            """);
        var status = new EnvironmentStatus("local", EngineKind.MariaDb, ProviderKind.Local,
        [
            new NodeStatus("primary", NodeRole.Primary, "127.0.0.1:55432", true, null, ObservedRole.Primary, "10.11.19-MariaDB-0+deb12u1", null, null, "0-1-47204", null, null, null) { SchemaVersion = 202401010007, PendingMigrations = 0 },
            new NodeStatus("replica-1", NodeRole.Replica, "127.0.0.1:55433", true, null, ObservedRole.Replica, "10.11.19-MariaDB-0+deb12u1", "primary", ReplicationError, "0-1-4711", null, 9, 42) { ExpectedSource = "primary", SchemaVersion = 202401010006, PendingMigrations = 1 },
            new NodeStatus("replica-2", NodeRole.Replica, "127.0.0.1:55434", false, ConnectionError, null, null, null, null, null, null, null, null) { ExpectedSource = "replica-1" },
        ]);
        console.Write(StatusTable.Render(environment, status, width));
        return writer.ToString();
    }
}
