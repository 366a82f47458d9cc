namespace Orchestrator.Environments;

/// <summary>
/// The database file an environment of a file engine (SQLite) is: its full path, and where the
/// environment file names it (<c>file:</c>), so problems with it point at that line.
/// </summary>
internal sealed record DatabaseFile(string Path, SourceLocation Location);
