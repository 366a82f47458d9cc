using System.Diagnostics;
using System.Text;

namespace Orchestrator.Chaos;

/// <summary>
/// Runs the command line as a child process (the built Orchestrator.Cli.dll under dotnet), in
/// the environment's work folder with ORCHESTRATOR_STATE_DIR set, so that a command can be
/// killed like any process an operator runs. Every command lands in the run's transcript.
/// </summary>
internal sealed class ChaosCli(string cliDll, string workDir, Stopwatch clock, RunTranscript transcript)
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    public RunTranscript Transcript => transcript;

    public Task<CommandResult> RunAsync(params string[] arguments) => Start(arguments).Completion;

    public RunningCommand Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        info.ArgumentList.Add(cliDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ORCHESTRATOR_STATE_DIR"] = workDir;
        info.Environment["NO_COLOR"] = "1";
        var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var firstOutput = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            Append(stdout, e.Data);
            firstOutput.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        var startedAt = clock.Elapsed;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RunningCommand(process, string.Join(' ', arguments), startedAt, clock, stdout, stderr, transcript) { FirstOutput = firstOutput.Task };
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is not null)
        {
            lock (builder)
            {
                builder.AppendLine(line);
            }
        }
    }
}

/// <summary>A command line process under way, which the campaign may kill.</summary>
internal sealed class RunningCommand
{
    private readonly Process _process;
    private readonly Stopwatch _clock;
    private readonly StringBuilder _stdout;
    private readonly StringBuilder _stderr;
    private readonly RunTranscript _transcript;
    private volatile bool _killed;

    public RunningCommand(Process process, string display, TimeSpan startedAt, Stopwatch clock, StringBuilder stdout, StringBuilder stderr, RunTranscript transcript)
    {
        _process = process;
        Display = display;
        StartedAt = startedAt;
        _clock = clock;
        _stdout = stdout;
        _stderr = stderr;
        _transcript = transcript;
        Completion = CompleteAsync();
    }

    public string Display { get; }

    public TimeSpan StartedAt { get; }

    public Task<CommandResult> Completion { get; }

    /// <summary>Completes with the first line the command prints (its first progress step, when run without --json), or when its output ends.</summary>
    public required Task FirstOutput { get; init; }

    /// <summary>SIGKILL of the command's own process (what it started runs on); false when it had already exited.</summary>
    public bool Kill()
    {
        try
        {
            if (_process.HasExited)
            {
                return false;
            }

            _killed = true;
            _process.Kill(entireProcessTree: false);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private async Task<CommandResult> CompleteAsync()
    {
        using var timeout = new CancellationTokenSource(ChaosCli.CommandTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
            _stderr.AppendLine($"(the campaign stopped it after {ChaosCli.CommandTimeout.TotalMinutes:0} minutes)");
        }

        // A process that ends by SIGKILL exits with 128 + 9; one that exited on its own just before the signal was not killed.
        const int KilledBySigKill = 137;
        var result = new CommandResult(Display, _process.ExitCode, Text(_stdout), Text(_stderr), StartedAt, _clock.Elapsed - StartedAt, _killed && _process.ExitCode == KilledBySigKill);
        _process.Dispose();
        _transcript.Command(result);
        return result;
    }

    private static string Text(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}
