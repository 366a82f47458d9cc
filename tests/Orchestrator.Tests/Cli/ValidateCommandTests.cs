using Orchestrator.Cli;

namespace Orchestrator.Tests.Cli;

public sealed class ValidateCommandTests
{
    private static readonly string InvalidFolder = Path.Combine(AppContext.BaseDirectory, "Environments", "Invalid");

    [Fact]
    public async Task Exits_2_for_every_broken_file_and_prints_each_problem_with_its_location()
    {
        foreach (var file in Directory.GetFiles(InvalidFolder, "*.yaml"))
        {
            if (file.EndsWith("unset-env-secret.yaml", StringComparison.Ordinal) && Environment.GetEnvironmentVariable("ORCH_TEST_UNSET_PASSWORD") is not null)
            {
                continue;
            }

            var (exitCode, output) = await CliRunner.RunAsync("validate", "-e", file);

            Assert.True(exitCode == 2, $"{Path.GetFileName(file)}: exit {exitCode}\n{output}");
            var expected = File.ReadAllLines(file).Where(l => l.StartsWith("# expect: ", StringComparison.Ordinal)).ToList();
            foreach (var line in expected)
            {
                var location = line["# expect: ".Length..].Split(": ", 2)[0];
                Assert.Contains($"{Path.GetFileName(file)}:{location}: error: ", output, StringComparison.Ordinal);
            }

            Assert.Contains("nothing was done", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Exits_0_for_every_shipped_environment()
    {
        foreach (var file in Directory.GetFiles(RepositoryPaths.Environments, "*.yaml"))
        {
            var (exitCode, output) = await CliRunner.RunAsync("validate", "-e", file);
            Assert.True(exitCode == 0, $"{Path.GetFileName(file)}: exit {exitCode}\n{output}");
            Assert.StartsWith("ok ", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_missing_file_and_missing_arguments_are_bad_input()
    {
        Assert.Equal(2, (await CliRunner.RunAsync("validate", "-e", "/no/such/file.yaml")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("validate")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("frobnicate")).ExitCode);
    }

    [Fact]
    public async Task A_directory_is_bad_input_that_names_its_environment_files()
    {
        var (exitCode, output) = await CliRunner.RunAsync("validate", "-e", RepositoryPaths.Environments);

        Assert.Equal(2, exitCode);
        Assert.Contains("this is a directory, not an environment file; give one of its environment files, such as ", output, StringComparison.Ordinal);
        Assert.Contains("local.yaml", output, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("down")]
    public async Task Up_and_down_refuse_external_environments(string verb)
    {
        var (exitCode, output) = await CliRunner.RunAsync(verb, "-e", Path.Combine(RepositoryPaths.Environments, "production.example.yaml"));

        Assert.Equal(2, exitCode);
        Assert.Contains("uses provider 'external'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var (exitCode, output) = await CliRunner.RunAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("orchestrator [command] [options]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Orchestrator.Cli", output, StringComparison.Ordinal);
        Assert.DoesNotContain("testhost", output, StringComparison.Ordinal);
        foreach (var verb in new[] { "validate", "up", "down", "status" })
        {
            Assert.Contains(verb, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Version_prints_the_version_backup_manifests_record()
    {
        var (exitCode, output) = await CliRunner.RunAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Equal(ToolVersion.Text, output.Trim());
        Assert.StartsWith("0.1.0", output.Trim(), StringComparison.Ordinal);
        var cli = typeof(CliApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false);
        Assert.Equal(ToolVersion.Text, Assert.IsType<System.Reflection.AssemblyInformationalVersionAttribute>(Assert.Single(cli)).InformationalVersion);
    }
}
