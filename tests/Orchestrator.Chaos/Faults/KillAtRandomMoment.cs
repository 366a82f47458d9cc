using System.Globalization;

namespace Orchestrator.Chaos.Faults;

/// <summary>
/// Starts a command and kills it (SIGKILL) at a moment drawn between 0.3 s and a latest one.
/// A command that ends before its moment was not interrupted: it counts as a normal run of the
/// command, the caller sets the stage again, and the next attempt draws from an earlier range,
/// bounded by how long the command just took.
/// </summary>
internal static class KillAtRandomMoment
{
    private const int Attempts = 3;
    private const double Earliest = 0.3;

    /// <param name="start">Starts the command (again).</param>
    /// <param name="endedFirst">Called with a command that ended before its moment; prepares the next attempt.</param>
    /// <returns>The killed command's result and how long after its start it was killed; null when every attempt ended first.</returns>
    public static async Task<(CommandResult Killed, TimeSpan After)?> RunAsync(ChaosRun run, double latestSeconds, Func<RunningCommand> start, Func<CommandResult, Task> endedFirst)
    {
        var latest = latestSeconds;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var moment = run.RandomBetween(Math.Min(Earliest, latest / 2), latest);
            var command = start();
            if (await Task.WhenAny(command.Completion, Task.Delay(moment)) != command.Completion && command.Kill())
            {
                var killed = await command.Completion;
                if (killed.Killed)
                {
                    return (killed, moment);
                }
            }

            var ended = await command.Completion;
            run.Transcript.Note(string.Create(CultureInfo.InvariantCulture,
                $"'{ended.Display}' ended on its own (exit {ended.ExitCode}) after {ended.Duration.TotalSeconds:0.000}s, before its kill at {moment.TotalSeconds:0.000}s (attempt {attempt} of {Attempts})"));
            latest = Math.Min(latest, ended.Duration.TotalSeconds * 0.8);
            await endedFirst(ended);
        }

        return null;
    }
}
