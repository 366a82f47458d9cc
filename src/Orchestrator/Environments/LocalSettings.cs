namespace Orchestrator.Environments;

/// <summary>
/// Settings of the local provider. Null values are discovered at run time
/// (pg_config --bindir, the PATH, the engine's Debian system user).
/// </summary>
internal sealed record LocalSettings(string? PostgresBinDir, string? MariaDbBinDir, string? OsUser)
{
    public static LocalSettings Default { get; } = new(null, null, null);
}
