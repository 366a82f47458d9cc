using System.Diagnostics;
using System.Text;

namespace Orchestrator.Processes;

/// <summary>Runs external programs (initdb, pg_ctl, mariadb-dump, ...) and reports failures readably.</summary>
internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken, Stream? standardInput = null)
    {
        using var process = new Process { StartInfo = StartInfo(spec, standardInput is not null) };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ProcessFailedException($"could not run {spec.FileName}: {e.Message} (is it installed?)");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(spec.Timeout);
        try
        {
            if (standardInput is not null)
            {
                await standardInput.CopyToAsync(process.StandardInput.BaseStream, timeout.Token);
                process.StandardInput.Close();
            }

            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new ProcessFailedException($"{spec.Display} did not finish within {spec.Timeout.TotalSeconds:0} s and was stopped");
        }

        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs and throws <see cref="ProcessFailedException"/> on a non-zero exit.</summary>
    public static async Task<ProcessResult> RunCheckedAsync(ProcessSpec spec, CancellationToken cancellationToken, Stream? standardInput = null)
    {
        var result = await RunAsync(spec, cancellationToken, standardInput);
        if (result.ExitCode != 0)
        {
            throw new ProcessFailedException(Describe(spec, result));
        }

        return result;
    }

    public static string Describe(ProcessSpec spec, ProcessResult result)
    {
        var output = (result.StandardError + "\n" + result.StandardOutput).Trim();
        var tail = string.Join('\n', output.Split('\n').TakeLast(12));
        return Redactor.Redact($"{spec.Display} failed (exit {result.ExitCode}):\n{tail}");
    }

    /// <summary>Starts a long-lived server so that it outlives this process: own session, stdio to a log file.</summary>
    public static async Task StartDetachedAsync(ProcessSpec spec, string logFile, CancellationToken cancellationToken)
    {
        var command = DetachedCommand(Command(spec), logFile);
        await RunCheckedAsync(spec with { FileName = command[0], Arguments = command.Skip(1).ToList(), RunAs = null }, cancellationToken);
    }

    /// <summary>
    /// A command line that starts <paramref name="command"/> in a session of its own, its output
    /// appended to <paramref name="logFile"/>, and returns at once. The shell only redirects and
    /// backgrounds; the program and its arguments arrive as "$@", so none of them is parsed by it.
    /// </summary>
    public static IReadOnlyList<string> DetachedCommand(IReadOnlyList<string> command, string logFile) =>
        ["setsid", "/bin/sh", "-c", "log=\"$1\"; shift; \"$@\" </dev/null >>\"$log\" 2>&1 &", "sh", logFile, .. command];

    internal static ProcessStartInfo StartInfo(ProcessSpec spec, bool redirectInput)
    {
        var command = Command(spec);
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? "/",
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        ClientEnvironment.Isolate(info.Environment);
        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["LC_ALL"] = "C";
        return info;
    }

    private static List<string> Command(ProcessSpec spec)
    {
        var command = new List<string>();
        if (spec.RunAs is not null)
        {
            // runuser keeps the environment we set (PGPASSFILE and the like) unlike su -l.
            command.AddRange(["runuser", "-u", spec.RunAs, "--"]);
        }

        command.Add(spec.FileName);
        command.AddRange(spec.Arguments);
        return command;
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }
}
