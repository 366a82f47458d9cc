using YamlDotNet.RepresentationModel;

namespace Orchestrator.Environments.Internal;

/// <summary>
/// An environment of engine sqlite: a database file (<c>file</c>, relative to the environment
/// file) and its migrations. There are no servers, accounts or replicas, so the keys that
/// describe them are refused, each with the reason.
/// </summary>
internal static class SqliteEnvironment
{
    /// <summary>The one node a SQLite environment has: the file itself.</summary>
    public const string NodeName = "file";

    private static readonly (string Key, string Reason)[] Inapplicable =
    [
        ("provider", "a SQLite database is a file the tool opens itself; there is no server to start or to connect to"),
        ("database", "the file is the database; name it with 'file'"),
        ("tls", "a file is opened directly, not over a network connection"),
        ("tls_ca", "a file is opened directly, not over a network connection"),
        ("credentials", "SQLite has no accounts; the file's permissions decide who may open it"),
        ("access", "SQLite has no network access to allow"),
        ("replication", "SQLite has no replicas"),
        ("local", "there are no server programs or service users for SQLite"),
        ("backup", "there is one file to back up; 'backup.node' has nothing to choose from"),
        ("nodes", "a SQLite environment has no nodes; the database is the file named by 'file'"),
        ("shards", "a database file has no primaries to shard; give each file an environment of its own"),
    ];

    public static EnvironmentDefinition? Build(YamlMappingNode root, YamlReader reader, string? name, string baseDirectory, string fullPath)
    {
        foreach (var (key, reason) in Inapplicable)
        {
            if (YamlReader.Get(root, key) is { } present)
            {
                reader.Error(present, $"'{key}' does not apply to engine sqlite: {reason}; remove it");
            }
        }

        var file = reader.String(root, "file", "the environment", required: true);
        var fileNode = YamlReader.Get(root, "file");
        if (file is { Length: 0 })
        {
            reader.Error(fileNode!, "'file' is empty; name the SQLite database file, relative to the environment file");
            file = null;
        }

        var path = file is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, file));
        if (path is not null && Directory.Exists(path))
        {
            reader.Error(fileNode!, $"'file' names a directory ({path}); name the SQLite database file inside it");
        }

        var migrations = EnvironmentSections.ReadMigrations(root, reader, baseDirectory, EngineKind.Sqlite);
        if (name is null || path is null)
        {
            return null;
        }

        var none = new Credential("", new Secret("", "none: SQLite has no accounts"));
        var database = new DatabaseFile(path, reader.At(fileNode!));
        // The file is the one node every concern reads, backs up and compares; it has no server
        // address, so it is reached through File alone.
        var node = new NodeDefinition(NodeName, NodeRole.Primary, Host: "", Port: 0, null, false, database.Location) { File = database };
        // Provider local: the file is on this machine; the engine, not the provider, says there are no servers.
        return new EnvironmentDefinition(
            name,
            EngineKind.Sqlite,
            ProviderKind.Local,
            "main",
            migrations,
            none,
            none,
            [],
            ReplicationSettings.Default,
            LocalSettings.Default,
            [node],
            fullPath)
        {
            DatabaseFile = database,
        };
    }
}
