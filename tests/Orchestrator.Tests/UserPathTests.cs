namespace Orchestrator.Tests;

public sealed class UserPathTests
{
    [Theory]
    [InlineData("/home/ana/project/environments/local.yaml", "/home/ana/project", "environments/local.yaml")]
    [InlineData("/home/ana/project/local.yaml", "/home/ana/project", "local.yaml")]
    [InlineData("/home/ana/project/local.yaml", "/home/ana/project/", "local.yaml")]
    [InlineData("/home/ana/project/..data/local.yaml", "/home/ana/project", "..data/local.yaml")]
    [InlineData("/home/ana/other/local.yaml", "/home/ana/project", "/home/ana/other/local.yaml")]
    [InlineData("/home/ana/local.yaml", "/home/ana/project", "/home/ana/local.yaml")]
    [InlineData("environments/local.yaml", "/home/ana/project", "environments/local.yaml")]
    [InlineData("../other/local.yaml", "/home/ana/project", "/home/ana/other/local.yaml")]
    public void A_path_under_the_current_directory_is_relative_and_any_other_is_full(string path, string current, string expected)
    {
        Assert.Equal(expected, UserPath.Of(path, current));
    }

    [Fact]
    public async Task The_up_hint_names_the_environment_file_so_it_works_from_the_current_directory()
    {
        var state = Directory.CreateTempSubdirectory("orch-hint-").FullName;
        try
        {
            var file = Path.Combine(RepositoryPaths.Environments, "local.yaml");
            var (exitCode, output) = await CliRunner.RunAsync("plan", "-e", file, "--state-dir", state);

            Assert.Equal(1, exitCode);
            Assert.Contains($"run 'orchestrator up -e {UserPath.Of(file)} --state-dir {state}' first", output, StringComparison.Ordinal);
            Assert.DoesNotContain("up -e local.yaml", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
