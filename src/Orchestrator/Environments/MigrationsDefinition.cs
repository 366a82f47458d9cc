namespace Orchestrator.Environments;

/// <summary>
/// Where the environment's FluentMigrator migrations come from, and how FluentMigrator selects
/// and generates them; paths are absolute after loading.
/// </summary>
internal sealed record MigrationsDefinition(string? Project, string? Assembly, IReadOnlyList<string> Tags)
{
    /// <summary>FluentMigrator's profile to apply (<c>[Profile("name")]</c> migrations), or none.</summary>
    public string? Profile { get; init; }

    /// <summary>Only migrations in this namespace (FluentMigrator's namespace filter), or all.</summary>
    public string? Namespace { get; init; }

    /// <summary>With <see cref="Namespace"/>: its nested namespaces too.</summary>
    public bool NestedNamespaces { get; init; }

    /// <summary>Which of FluentMigrator's generators turns expressions into SQL.</summary>
    public MigrationDialect Dialect { get; init; }

    /// <summary>How a migration's statements wait for locks.</summary>
    public LockDiscipline Locks { get; init; } = LockDiscipline.Default;

    /// <summary>Versions that run as written rather than in their online form.</summary>
    public IReadOnlySet<long> Offline { get; init; } = new HashSet<long>();

    /// <summary>How far behind a replica may fall before an online table copy pauses for it; null for the default (1.5 s).</summary>
    public TimeSpan? MaxReplicaLag { get; init; }
}
