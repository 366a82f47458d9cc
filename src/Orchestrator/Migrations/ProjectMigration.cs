using FluentMigrator;
using FluentMigrator.Infrastructure;

namespace Orchestrator.Migrations;

/// <summary>What a migration class of the project is to the runner.</summary>
internal enum MigrationKind
{
    /// <summary>A [Migration(version)] class: applied once and recorded in the version table.</summary>
    Versioned,

    /// <summary>A [Maintenance(stage)] class: runs at its stage of every migrate, never recorded.</summary>
    Maintenance,

    /// <summary>A [Profile(name)] class of the environment's profile: runs at the end of every migrate and rollback, never recorded.</summary>
    Profile,

    /// <summary>FluentMigrator's own migrations that create the version table.</summary>
    VersionTable,
}

/// <summary>One migration class of the project, as FluentMigrator's loaders describe it.</summary>
internal sealed record ProjectMigration(IMigrationInfo Info, MigrationKind Kind, MigrationStage? Stage = null)
{
    public long Version => Info.Version;

    public IMigration Migration => Info.Migration;

    public Type Type => Info.Migration.GetType();

    /// <summary>What FluentMigrator writes to the version table: the attribute's description, else the class name.</summary>
    public string Description => string.IsNullOrEmpty(Info.Description) ? Type.Name : Info.Description;

    public TransactionBehavior TransactionBehavior => Info.TransactionBehavior;

    public bool IsBreakingChange => Info.IsBreakingChange;

    public string Name => Kind switch
    {
        MigrationKind.Versioned => $"{Version} {Type.Name}",
        MigrationKind.Maintenance => $"{Type.Name} ({Stage} maintenance)",
        MigrationKind.Profile => $"{Type.Name} (profile)",
        _ => $"{Type.Name} (version table)",
    };
}
