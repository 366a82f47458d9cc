using System.Globalization;

namespace Orchestrator.Environments.Internal;

/// <summary>
/// <c>replication.max_slot_wal_keep_size</c> as PostgreSQL takes it: a whole number of kB, MB, GB or
/// TB that fits its setting, an int of megabytes; or -1 for no limit. A larger value passes no
/// check of ours but stops the server from starting.
/// </summary>
internal static class WalKeepSize
{
    private const long MaxMegabytes = int.MaxValue;

    private static readonly Dictionary<string, long> KilobytesPerUnit = new()
    {
        ["kB"] = 1, ["MB"] = 1024, ["GB"] = 1024 * 1024, ["TB"] = 1024L * 1024 * 1024,
    };

    /// <summary>Null when PostgreSQL accepts <paramref name="text"/>, else what is wrong, to follow the key and value.</summary>
    public static string? Problem(string text)
    {
        if (!Names.PostgresSize().IsMatch(text))
        {
            return "must be a size such as 512MB or 2GB (units kB, MB, GB, TB), or -1 for no limit";
        }

        if (text == "-1")
        {
            return null;
        }

        var fits = long.TryParse(text[..^2], NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            && (Int128)amount * KilobytesPerUnit[text[^2..]] <= (Int128)MaxMegabytes * 1024;
        return fits ? null : $"is out of range: PostgreSQL takes at most {MaxMegabytes}MB (2047TB), or -1 for no limit";
    }
}
