using System.Globalization;

namespace Orchestrator.Environments;

/// <summary>Durations as environment files and options write them: a whole number with ms, s, m or h (pure).</summary>
internal static class DurationText
{
    public const string Examples = "500ms, 30s, 5m or 1h";

    private static readonly (string Unit, long Ticks)[] Units =
        [("h", TimeSpan.TicksPerHour), ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond), ("ms", TimeSpan.TicksPerMillisecond)];

    /// <summary>A positive duration that a <see cref="TimeSpan"/> can hold; false for anything else.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = Internal.Names.Duration().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        var unit = Units.First(u => u.Unit == match.Groups[2].Value).Ticks;
        if (amount > TimeSpan.MaxValue.Ticks / unit)
        {
            return false;
        }

        duration = TimeSpan.FromTicks(amount * unit);
        return true;
    }

    /// <summary>
    /// Reads a duration that must lie from <paramref name="min"/> to <paramref name="max"/>: null when
    /// it does, else what is wrong with it, to follow the option's name and value ("must be ...").
    /// </summary>
    public static string? Problem(string text, TimeSpan min, TimeSpan max, out TimeSpan duration)
    {
        var outOfRange = $"is out of range: it must be from {Format(min)} to {Format(max)}";
        if (TryParse(text, out duration))
        {
            return duration >= min && duration <= max ? null : outOfRange;
        }

        // Well written but too long for a TimeSpan is out of range as well; 0s, 1.5s or "soon" are no durations.
        var match = Internal.Names.Duration().Match(text);
        return match.Success && match.Groups[1].Value.Any(c => c != '0') ? outOfRange : $"must be a positive duration such as {Examples}";
    }

    /// <summary>The duration in the largest unit that writes it exactly, such as 24h or 1500ms.</summary>
    public static string Format(TimeSpan duration)
    {
        foreach (var (unit, ticks) in Units)
        {
            if (duration.Ticks % ticks == 0)
            {
                return (duration.Ticks / ticks).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
