namespace Orchestrator.Migrations.Model;

public sealed class SequenceDefinition(string name)
{
    public string Name { get; } = name;

    public string? Schema { get; set; }

    public long? StartWith { get; set; }

    public long? IncrementBy { get; set; }

    public long? MinValue { get; set; }

    public long? MaxValue { get; set; }

    public long? Cache { get; set; }

    public bool Cycle { get; set; }
}
