using System.Globalization;

namespace Orchestrator.Environments;

/// <summary>Durations as environment files and options write them: a whole number with ms, s, m or h (pure).</summary>
public static class DurationText
{
    public const string Examples = "500ms, 30s, 5m or 1h";

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = Internal.Names.Duration().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        duration = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromHours(amount),
        };
        return true;
    }
}
