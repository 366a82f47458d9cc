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

            // A binlog state lists a GTID per server of a domain; the domain is at the highest.
            var domain = long.Parse(parts[0], CultureInfo.InvariantCulture);
            positions[domain] = Math.Max(positions.GetValueOrDefault(domain), long.Parse(parts[2], CultureInfo.InvariantCulture));
        }

        return positions;
    }

    /// <summary>Whether a server at <paramref name="state"/> has applied everything <paramref name="other"/> names (every domain of it at or before the state's).</summary>
    public static bool Covers(string? state, string? other)
    {
        var have = Parse(state);
        return Parse(other).All(p => p.Value <= have.GetValueOrDefault(p.Key));
    }

    /// <summary>Whether a server at <paramref name="state"/> has applied <paramref name="gtid"/> (GTIDs of a domain apply in sequence order).</summary>
    public static bool Covers(string? state, Gtid gtid) => gtid.Sequence <= Parse(state).GetValueOrDefault(gtid.Domain);

    /// <summary>Transactions in <paramref name="ahead"/> that <paramref name="behind"/> has not applied yet.</summary>
    public static long Distance(string? ahead, string? behind)
    {
        var replica = Parse(behind);
        return Parse(ahead).Sum(p => Math.Max(0, p.Value - replica.GetValueOrDefault(p.Key)));
    }

    /// <summary>Every GTID of a list or a binlog state (which keeps one per domain and server).</summary>
    public static IReadOnlyList<Gtid> Entries(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(gtid => gtid.Split('-') is [var d, var s, var n]
                ? new Gtid(long.Parse(d, CultureInfo.InvariantCulture), long.Parse(s, CultureInfo.InvariantCulture), long.Parse(n, CultureInfo.InvariantCulture))
                : throw new FormatException($"'{gtid}' is not a GTID (domain-server-sequence)"))
            .ToList();

    /// <summary>
    /// The last GTIDs of a node's binary log (<c>@@gtid_binlog_pos</c>, one per domain) that a
    /// source's binary log state has not reached: what the node committed that the source never
    /// received. Only the last one per domain counts: with gtid_strict_mode everything before it is
    /// its history, and a source holding it (by its server's sequence) holds that history too;
    /// older entries of the node's own state (a former primary's server id) say nothing.
    /// </summary>
    public static IReadOnlyList<Gtid> NotReachedBy(string? latest, string? sourceState)
    {
        var known = Entries(sourceState).ToDictionary(g => (g.Domain, g.Server), g => g.Sequence);
        return Entries(latest).Where(g => !known.TryGetValue((g.Domain, g.Server), out var seen) || seen < g.Sequence).ToList();
    }

    /// <summary>
    /// GTIDs of server <paramref name="server"/> that a source's binary log state holds beyond the
    /// node's own binary log (<paramref name="latest"/>): transactions the node originated and then
    /// lost itself (a crash recovery that truncated its binary log), which the source received.
    /// </summary>
    public static IReadOnlyList<Gtid> OwnBeyond(long server, string? latest, string? sourceState)
    {
        var own = Parse(latest);
        return Entries(sourceState).Where(g => g.Server == server && g.Sequence > own.GetValueOrDefault(g.Domain)).ToList();
    }

    /// <summary>Positive when <paramref name="a"/> is ahead in some domain and behind in none; null when each is ahead somewhere.</summary>
    public static int? Compare(string? a, string? b)
    {
        var left = Parse(a);
        var right = Parse(b);
        var ahead = left.Any(p => p.Value > right.GetValueOrDefault(p.Key));
        var behind = right.Any(p => p.Value > left.GetValueOrDefault(p.Key));
        return (ahead, behind) switch
        {
            (true, true) => null,
            (true, false) => 1,
            (false, true) => -1,
            _ => 0,
        };
    }
}
