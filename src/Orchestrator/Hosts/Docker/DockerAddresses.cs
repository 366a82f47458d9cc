using System.Globalization;
using System.Net;
using Orchestrator.Environments;

namespace Orchestrator.Hosts.Docker;

/// <summary>
/// The addresses of an environment's containers on its network (a /24): the gateway, through
/// which the tool's connections arrive from the published ports, and one fixed address per node,
/// in the file's order, so that pg_hba.conf can name each replica.
/// </summary>
internal sealed record DockerAddresses(string Subnet, string Gateway, IReadOnlyDictionary<string, string> Nodes)
{
    /// <summary>Where the engine draws addresses for containers without a fixed one (the upper half), away from the nodes'.</summary>
    public string DynamicRange => $"{Prefix(Subnet)}.128/25";

    /// <summary>The first of the nodes' addresses in the subnet: below it, the gateway and room for clients the tests attach.</summary>
    private const int FirstNodeHost = 10;

    public static DockerAddresses For(EnvironmentDefinition environment, string subnet)
    {
        var prefix = Prefix(subnet);
        var nodes = environment.Nodes
            .Select((node, i) => (node.Name, Address: $"{prefix}.{(FirstNodeHost + i).ToString(CultureInfo.InvariantCulture)}"))
            .ToDictionary(n => n.Name, n => n.Address, StringComparer.Ordinal);
        return new DockerAddresses(subnet, $"{prefix}.1", nodes);
    }

    /// <summary>
    /// The environment as its servers see each other: every node at its fixed address and the
    /// engine's port inside the container. Admitted besides <c>access.allow</c>: the gateway, since
    /// the tool's connections through the published ports arrive from it, and the nodes'
    /// addresses, from which the tool's programs in one node reach another (pg_rewind). The
    /// gateway is also where the tool's physical backups replicate from.
    /// </summary>
    public EnvironmentDefinition ServerView(EnvironmentDefinition environment, int containerPort)
    {
        var nodes = environment.Nodes.Select(n => n with { Host = Nodes[n.Name], Port = containerPort }).ToList();
        static Cidr Single(string address) => Cidr.TryParse($"{address}/32", out var cidr, out _) ? cidr! : throw new FormatException(address);
        var tool = new[] { Gateway }.Concat(Nodes.Values).Select(Single);
        return environment with { Nodes = nodes, Allow = [.. environment.Allow, .. tool], ToolAddresses = [Single(Gateway)] };
    }

    /// <summary>
    /// The /24 subnets tried for a new network, starting at one derived from the environment's
    /// name so that environments made one after another rarely meet.
    /// </summary>
    public static IEnumerable<string> Candidates(string environmentName)
    {
        var start = (int)((uint)StableHash(environmentName) % 250);
        for (var i = 0; i < 250; i++)
        {
            yield return $"10.213.{((start + i) % 250).ToString(CultureInfo.InvariantCulture)}.0/24";
        }
    }

    private static string Prefix(string subnet)
    {
        var address = subnet.Split('/')[0];
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || !subnet.EndsWith("/24", StringComparison.Ordinal))
        {
            throw new FormatException($"network subnet '{subnet}' is not an IPv4 /24");
        }

        return string.Join('.', address.Split('.').Take(3));
    }

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
