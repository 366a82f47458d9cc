using System.Globalization;

namespace Orchestrator.Engines.MariaDb;

/// <summary>A MariaDB GTID list such as "0-1-42,1-3-7": per replication domain, the last sequence number.</summary>
internal static class GtidPosition
{
    public static Dictionary<long, long> Parse(string? text)
    {
        var positions = new Dictionary<long, long>();
        foreach (var gtid in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = gtid.Split('-');
            if (parts.Length != 3)
            {
                throw new FormatException($"'{gtid}' is not a GTID (domain-server-sequence)");
            }

            positions[long.Parse(parts[0], CultureInfo.InvariantCulture)] = long.Parse(parts[2], CultureInfo.InvariantCulture);
        }

        return positions;
    }

    /// <summary>Transactions in <paramref name="ahead"/> that <paramref name="behind"/> has not applied yet.</summary>
    public static long Distance(string? ahead, string? behind)
    {
        var replica = Parse(behind);
        return Parse(ahead).Sum(p => Math.Max(0, p.Value - replica.GetValueOrDefault(p.Key)));
    }
}
