using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

/// <summary>migrations.lock_timeout, lock_retries and offline (the refusals are in Invalid/bad-migrations-locks.yaml).</summary>
public sealed class LockDisciplineTests
{
    [Fact]
    public void Without_settings_a_lock_wait_gives_up_after_two_seconds_ten_times()
    {
        var env = Load("");

        Assert.Equal(new LockDiscipline(TimeSpan.FromSeconds(2), 10), env.Migrations!.Locks);
    }

    [Fact]
    public void The_settings_are_read_as_written()
    {
        var env = Load("  lock_timeout: 750ms\n  lock_retries: 0\n");

        Assert.Equal(new LockDiscipline(TimeSpan.FromMilliseconds(750), 0), env.Migrations!.Locks);
    }

    [Fact]
    public void Offline_versions_are_read_and_none_by_default()
    {
        Assert.Empty(Load("").Migrations!.Offline);
        Assert.Equal([7L, 202401010004L], Load("  offline: [202401010004, 7]\n").Migrations!.Offline.Order());
    }

    private static EnvironmentDefinition Load(string settings) => TestEnvironments.FromYaml(
        "name: t\nengine: postgres\ndatabase: app\nmigrations:\n  assembly: M.dll\n" + settings +
        "nodes:\n  - { name: primary, role: primary, port: 5432 }\n",
        _ => null);
}
