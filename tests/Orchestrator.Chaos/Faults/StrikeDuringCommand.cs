using System.Globalization;
using System.Text.RegularExpressions;

namespace Orchestrator.Chaos.Faults;

/// <summary>
/// Starts a command and strikes (kills it, or kills a node under it) at a random moment after
/// its first progress line, that is once it has begun its work rather than while it loads. A
/// command that ends before the moment was not interrupted: it counts as a normal run of the
/// command, the caller sets the stage again, and the next attempt draws from a shorter range,
/// bounded by how long the command just worked.
/// </summary>
internal static class StrikeDuringCommand
{
    private const int Attempts = 3;

    /// <summary>What struck and when: the command's result, and the moment as time after its first progress line.</summary>
    public sealed record Hit(CommandResult Command, string Evidence, TimeSpan AfterFirstOutput)
    {
        /// <summary>
        /// Where in its work the command was struck, from its last progress line: "during X"
        /// when step X had begun, "after X" when it was done. What differs from run to run (the
        /// environment's name, addresses, positions, durations) is left out, so that the same
        /// step counts once across runs.
        /// </summary>
        public string Step(string environmentName)
        {
            var last = Command.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
            var words = last.Replace(environmentName, "environment", StringComparison.Ordinal);
            words = Regex.Replace(words, @"\s+[0-9.]+s$", "");
            words = Regex.Replace(words, @"\b[0-9]{1,3}(\.[0-9]{1,3}){3}:[0-9]+\b", "ADDRESS");
            words = Regex.Replace(words, @"\b[0-9A-F]+/[0-9A-F]+\b|\b[0-9]+-[0-9]+-[0-9]+\b", "POSITION");
            words = Regex.Replace(words, @"\s+", " ").Trim();
            return words.StartsWith('…') ? $"during {words[1..].Trim()}"
                : words.StartsWith('✓') ? $"after {words[1..].Trim()}"
                : words.Length == 0 ? "before its first step" : $"after '{words}'";
        }
    }

    /// <param name="latestSeconds">The latest moment after the first progress line.</param>
    /// <param name="start">Starts the command (again).</param>
    /// <param name="strike">Strikes the running command; what it did, or null when it could not (the command had ended).</param>
    /// <param name="landed">Whether the strike took hold, judged from how the command ended.</param>
    /// <param name="endedFirst">Called with a command that ended before its moment; prepares the next attempt.</param>
    /// <returns>The hit; null when every attempt ended first.</returns>
    public static async Task<Hit?> RunAsync(
        ChaosRun run, double latestSeconds, Func<RunningCommand> start, Func<RunningCommand, Task<string?>> strike, Func<CommandResult, bool> landed, Func<CommandResult, Task> endedFirst)
    {
        var latest = latestSeconds;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var command = start();
            await Task.WhenAny(command.FirstOutput, command.Completion);
            var working = run.Clock.Elapsed;
            var moment = run.RandomBetween(0, latest);
            if (!command.Completion.IsCompleted && await Task.WhenAny(command.Completion, Task.Delay(moment)) != command.Completion && await strike(command) is { } evidence)
            {
                var struck = await command.Completion;
                if (landed(struck))
                {
                    return new Hit(struck, evidence, moment);
                }
            }

            var ended = await command.Completion;
            run.Transcript.Note(string.Create(CultureInfo.InvariantCulture,
                $"'{ended.Display}' ended (exit {ended.ExitCode}) {(ended.EndedAt - working).TotalSeconds:0.000}s after its first progress line, before the strike {moment.TotalSeconds:0.000}s after it (attempt {attempt} of {Attempts})"));
            latest = Math.Max(0.01, Math.Min(latest, (ended.EndedAt - working).TotalSeconds * 0.8));
            await endedFirst(ended);
        }

        return null;
    }

    /// <summary>A strike that kills the command itself with SIGKILL.</summary>
    public static Task<string?> KillCommand(RunningCommand command) =>
        Task.FromResult(command.Kill() ? $"SIGKILL of '{command.Display}'" : null);
}
