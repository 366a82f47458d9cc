namespace Orchestrator.Migrations;

/// <summary>Marks a migration class with its version (FluentMigrator's constructors).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class MigrationAttribute : Attribute
{
    public MigrationAttribute(long version, string? description = null)
        : this(version, TransactionBehavior.Default, description)
    {
    }

    public MigrationAttribute(long version, TransactionBehavior transactionBehavior, string? description = null)
    {
        Version = version;
        TransactionBehavior = transactionBehavior;
        Description = description;
    }

    public long Version { get; }

    public TransactionBehavior TransactionBehavior { get; }

    public string? Description { get; }
}
