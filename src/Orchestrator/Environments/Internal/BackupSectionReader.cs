using YamlDotNet.RepresentationModel;

namespace Orchestrator.Environments.Internal;

/// <summary>The file's <c>backup</c> section: the node backups are taken from, and continuous archiving.</summary>
internal static class BackupSectionReader
{
    /// <summary>Characters the archive's path may not hold: it is written into a shell command inside a PostgreSQL setting.</summary>
    private const string Unquotable = "'\"\\$`%\n\r";

    public static (string? Node, ArchiveSettings? Archive) Read(
        YamlMappingNode root, YamlReader reader, IReadOnlyList<NodeDraft> nodes, EngineKind? engine, ProviderKind provider, string baseDirectory)
    {
        if (YamlReader.Get(root, "backup") is not { } node || reader.Mapping(node, "'backup'") is not { } map)
        {
            return (null, null);
        }

        const string Context = "'backup'";
        reader.RejectUnknownKeys(map, Context, "node", "archive", "archive_timeout");
        var name = reader.String(map, "node", Context, required: false);
        if (name is not null && nodes.All(n => n.Name != name))
        {
            var names = nodes.Select(n => n.Name).OfType<string>().ToList();
            var hint = Names.ClosestMatch(name, names) is { } guess ? $"did you mean '{guess}'? " : "";
            reader.Error(YamlReader.Get(map, "node")!, $"backup node '{name}' is not a node of this environment ({hint}nodes: {string.Join(", ", names)})");
        }

        return (name, ReadArchive(map, reader, engine, provider, baseDirectory));
    }

    private static ArchiveSettings? ReadArchive(YamlMappingNode map, YamlReader reader, EngineKind? engine, ProviderKind provider, string baseDirectory)
    {
        const string Context = "'backup'";
        var timeoutNode = YamlReader.Get(map, "archive_timeout");
        if (reader.String(map, "archive", Context, required: false) is not { } written)
        {
            if (timeoutNode is not null)
            {
                reader.Error(timeoutNode, "archive_timeout applies to continuous archiving: give backup.archive too");
            }

            return null;
        }

        var archiveNode = YamlReader.Get(map, "archive")!;
        string? refusal = (engine, provider) switch
        {
            (_, ProviderKind.External) => "applies to servers the tool runs: an external environment's archiving is its operator's",
            (EngineKind.Sqlite, _) => "applies to servers: a SQLite database file has no write-ahead log to archive",
            _ => null,
        };
        if (refusal is not null)
        {
            reader.Error(archiveNode, $"backup.archive {refusal}");
            return null;
        }

        if (written.Length == 0 || written.IndexOfAny(Unquotable.ToCharArray()) >= 0)
        {
            reader.Error(archiveNode, $"backup.archive '{written}' must be a folder path without quotes, '\\', '$', '`', '%' or line breaks (it is written into the servers' archive command)");
            return null;
        }

        var timeout = ArchiveSettings.DefaultTimeout;
        if (timeoutNode is not null && reader.String(map, "archive_timeout", Context, required: false) is { } text)
        {
            if (DurationText.Problem(text, ArchiveSettings.MinTimeout, ArchiveSettings.MaxTimeout, out var parsed) is { } problem)
            {
                reader.Error(timeoutNode, $"archive_timeout '{text}' {problem}");
            }
            else
            {
                timeout = parsed;
            }
        }

        return new ArchiveSettings(Path.GetFullPath(Path.Combine(baseDirectory, written)), timeout);
    }
}
