using System.Text.Json;

namespace Orchestrator.Chaos;

/// <summary>The typed outcome a role-change command prints with --json (README, Switchover and failover).</summary>
internal sealed record RoleChangeJson(string Operation, bool Succeeded, string? OldPrimary, string? NewPrimary, string? RefusalReason, string? Refusal)
{
    /// <summary>The details of the steps a node refused with a reason (a rejoin whose WAL is gone names `replica rebuild`).</summary>
    public IReadOnlyList<string> RefusedSteps { get; init; } = [];

    /// <summary>Refused as a whole, or by one of its steps, with a reason.</summary>
    public bool IsRefusal => Refusal is not null || RefusedSteps.Count > 0;

    /// <summary>The outcome the command printed; null when its output holds none (it crashed, or was killed).</summary>
    public static RoleChangeJson? Parse(CommandResult result)
    {
        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            var root = document.RootElement;
            return new RoleChangeJson(
                root.GetProperty("operation").GetString()!,
                root.GetProperty("succeeded").GetBoolean(),
                root.GetProperty("oldPrimary").GetString(),
                root.GetProperty("newPrimary").GetString(),
                root.GetProperty("refusalReason").GetString(),
                root.GetProperty("refusal").GetString())
            {
                RefusedSteps = root.GetProperty("changes").EnumerateArray()
                    .Where(c => c.GetProperty("result").GetString() == "refused")
                    .Select(c => $"{c.GetProperty("node").GetString()}: {c.GetProperty("detail").GetString()}")
                    .ToList(),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public override string ToString() =>
        $"{Operation}: {(Succeeded ? "succeeded" : "not succeeded")}, old primary {OldPrimary ?? "-"}, new primary {NewPrimary ?? "-"}{(RefusalReason is null ? "" : $", refused ({RefusalReason}): {Refusal}")}{string.Concat(RefusedSteps.Select(r => $", refused {r}"))}";
}

/// <summary>The nodes as <c>status --json</c> reports them (README, status --json).</summary>
internal sealed record StatusJson(IReadOnlyList<StatusJson.Node> Nodes)
{
    public sealed record Node(string Name, string? Role, bool Reachable, string? ReplicatingFrom, string? ReplicationState, long? SchemaVersion, long? PendingMigrations, string? Error);

    public static StatusJson? Parse(CommandResult result)
    {
        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            return new StatusJson(document.RootElement.GetProperty("nodes").EnumerateArray().Select(n => new Node(
                n.GetProperty("name").GetString()!,
                n.GetProperty("role").GetString(),
                n.GetProperty("reachable").GetBoolean(),
                n.GetProperty("replicatingFrom").GetString(),
                n.GetProperty("replicationState").GetString(),
                Number(n.GetProperty("schemaVersion")),
                Number(n.GetProperty("pendingMigrations")),
                n.GetProperty("error").GetString())).ToList());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The nodes that say they are primary.</summary>
    public IReadOnlyList<string> Primaries => Nodes.Where(n => n.Reachable && n.Role == "primary").Select(n => n.Name).ToList();

    /// <summary>Why this is not a healthy topology (every node reachable, one primary, every other node replicating from it), or null when it is.</summary>
    public string? Unhealthy()
    {
        var problems = new List<string>();
        problems.AddRange(Nodes.Where(n => !n.Reachable).Select(n => $"'{n.Name}' unreachable ({n.Error})"));
        if (Primaries.Count != 1)
        {
            problems.Add($"{Primaries.Count} primaries ({string.Join(", ", Primaries)})");
        }
        else
        {
            problems.AddRange(Nodes.Where(n => n.Reachable && n.Name != Primaries[0] && !Follows(n, Primaries[0]))
                .Select(n => $"'{n.Name}' is {n.Role ?? "?"} from {n.ReplicatingFrom ?? "nowhere"} ({n.ReplicationState ?? "not replicating"})"));
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static bool Follows(Node node, string primary) =>
        node.Role == "replica" && node.ReplicatingFrom == primary && node.ReplicationState is "streaming" or "replicating";

    private static long? Number(JsonElement element) => element.ValueKind == JsonValueKind.Number ? element.GetInt64() : null;
}
