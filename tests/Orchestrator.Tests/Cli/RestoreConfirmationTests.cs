namespace Orchestrator.Tests.Cli;

public sealed class RestoreConfirmationTests
{
    [Fact]
    public async Task A_confirmation_naming_another_environment_is_refused_before_the_backup_is_read()
    {
        var (exitCode, output) = await CliRunner.RunAsync(
            "restore", "-e", Path.Combine(RepositoryPaths.Environments, "local.yaml"), "--backup", "/nonexistent-backup", "--i-understand-this-overwrites", "production");

        Assert.Equal(2, exitCode);
        Assert.Contains("names 'production', but this is environment 'local'", output, StringComparison.Ordinal);
    }
}
