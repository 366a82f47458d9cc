namespace Orchestrator.Embedding;

/// <summary>What an <see cref="OrchestratorMigrator"/> applies, beyond the environment's defaults; each option is that of the command line's <c>migrate</c>.</summary>
public sealed record MigratorOptions
{
    /// <summary>
    /// The state directory of an environment whose servers the tool runs (<c>provider: local</c> or
    /// <c>docker</c>), where its generated passwords are: the command line's <c>--state-dir</c>. Null:
    /// <c>$ORCHESTRATOR_STATE_DIR/NAME</c>, else <c>.orchestrator/NAME</c> under the current directory.
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>In a sharded environment, the one shard to migrate (required there).</summary>
    public string? Shard { get; init; }

    /// <summary>Apply only up to this version (inclusive); null: every pending migration.</summary>
    public long? To { get; init; }

    /// <summary>Fail, applying nothing, when an applied migration's SQL has changed since it was applied, or when a pending one is risky on a replicated primary.</summary>
    public bool Strict { get; init; }

    /// <summary>Apply migrations marked <c>BreakingChange = true</c>, which are refused otherwise.</summary>
    public bool AllowBreakingChanges { get; init; }

    /// <summary>FluentMigrator's tags selecting the migrations; null: the environment file's <c>migrations.tags</c> (none for an <see cref="EnvironmentSpec"/>).</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>FluentMigrator's profile to apply after the migrations; null: the environment file's <c>migrations.profile</c>, if any.</summary>
    public string? Profile { get; init; }
}
