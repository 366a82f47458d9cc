using System.Diagnostics;
using System.Text;
using Orchestrator.Processes;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// samples/EmbeddedMigrate, the README's program that migrates its own database at start-up: built
/// once per test run (as a user builds it, with dotnet build), and run as processes of its own.
/// </summary>
internal static class EmbeddedSample
{
    private static readonly Lazy<Task<string>> Built = new(BuildAsync);

    /// <summary>The sample's built program (EmbeddedMigrate.dll).</summary>
    public static Task<string> ProgramAsync() => Built.Value;

    public static SampleRun Start(string program, params string[] args) => new(program, args);

    private static async Task<string> BuildAsync()
    {
        var project = Path.Combine(BuiltArtifacts.RepositoryRoot, "samples", "EmbeddedMigrate", "EmbeddedMigrate.csproj");
        var build = await ProcessRunner.RunAsync(
            new ProcessSpec("dotnet", ["build", project, "-c", BuiltArtifacts.Configuration, "-nologo", "-v", "quiet", "-clp:ErrorsOnly"]), CancellationToken.None);
        Assert.True(build.ExitCode == 0, $"dotnet build {project} failed:\n{build.StandardOutput}{build.StandardError}");
        var program = Path.Combine(Path.GetDirectoryName(project)!, "bin", BuiltArtifacts.Configuration, "net10.0", "EmbeddedMigrate.dll");
        Assert.True(File.Exists(program), $"{program} is missing after the build");
        return program;
    }

    /// <summary>One process of the sample, its output (standard output and error) read as it comes.</summary>
    internal sealed class SampleRun
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly Lock _gate = new();

        public SampleRun(string program, string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(program);
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (_gate)
                {
                    return _output.ToString();
                }
            }
        }

        /// <summary>Waits until the output holds <paramref name="text"/>; fails with the output so far when it does not in time, or when the process ended first.</summary>
        public async Task WaitForAsync(string text, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (_process.HasExited && !Output.Contains(text, StringComparison.Ordinal))
                {
                    Assert.Fail($"the sample exited ({_process.ExitCode}) before saying '{text}':\n{Output}");
                }

                Assert.True(clock.Elapsed < timeout, $"the sample did not say '{text}' within {timeout.TotalSeconds:0}s:\n{Output}");
                await Task.Delay(50);
            }
        }

        /// <summary>The exit code and the whole output, once the process ended (killed, and failing the test, after <paramref name="timeout"/>).</summary>
        public async Task<(int ExitCode, string Output)> ExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                Assert.Fail($"the sample did not finish within {timeout.TotalSeconds:0}s:\n{Output}");
            }

            // The asynchronous readers have delivered everything once WaitForExit returns without a timeout.
            _process.WaitForExit();
            var result = (_process.ExitCode, Output);
            _process.Dispose();
            return result;
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                _output.AppendLine(line);
            }
        }
    }
}
