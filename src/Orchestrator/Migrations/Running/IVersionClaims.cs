using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// Claiming versions one by one, on engines where no lock spans the run (SQLite): each migration
/// claims its version inside its own transaction, and a runner that finds it claimed skips it.
/// </summary>
internal interface IVersionClaims
{
    /// <summary>True when no lock spans the run, so each migration claims its version with <see cref="Claim"/>.</summary>
    bool ClaimsVersions => false;

    /// <summary>Statements that claim a version right after its transaction began. They fail (<see cref="IsClaimConflict"/>) when it is recorded already.</summary>
    IReadOnlyList<SqlStatement> Claim(long version) => [];

    bool IsClaimConflict(DatabaseException error) => false;
}
