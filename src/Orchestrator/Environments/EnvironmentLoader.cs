using Orchestrator.Environments.Internal;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Environments;

/// <summary>
/// Reads an environment file into an <see cref="EnvironmentDefinition"/>, reporting every
/// problem at once with its file, line and column.
/// </summary>
internal static class EnvironmentLoader
{
    private static readonly string[] TopKeys =
        ["name", "engine", "file", "provider", "database", "tls", "tls_ca", "migrations", "credentials", "access", "replication", "local", "backup", "nodes", "shards", "image"];

    public static EnvironmentDefinition LoadOrThrow(string path, Func<string, string?>? environment = null)
    {
        var result = Load(path, environment);
        return result.Succeeded ? result.Environment! : throw new InvalidEnvironmentException(result.Diagnostics);
    }

    public static EnvironmentLoadResult Load(string path, Func<string, string?>? environment = null)
    {
        var display = UserPath.Of(path);

        if (Directory.Exists(path))
        {
            return new(null, [new Diagnostic(new SourceLocation(display, 1, 1), NotAFile(path, display))]);
        }

        if (!File.Exists(path))
        {
            return new(null, [new Diagnostic(new SourceLocation(display, 1, 1), "environment file does not exist")]);
        }

        return LoadText(File.ReadAllText(path), display, Path.GetFullPath(path), environment);
    }

    /// <summary>
    /// An environment given as YAML text rather than a file (one built in code): the same rules and
    /// messages. <paramref name="fullPath"/> stands for the file: relative paths in the text are
    /// relative to its folder, and it is the definition's <see cref="EnvironmentDefinition.FilePath"/>.
    /// </summary>
    public static EnvironmentLoadResult LoadText(string yaml, string display, string fullPath, Func<string, string?>? environment = null)
    {
        var diagnostics = new List<Diagnostic>();
        var reader = new YamlReader(display, diagnostics);
        var root = Parse(yaml, reader);
        if (root is null)
        {
            return new(null, diagnostics);
        }

        var definition = Build(root, reader, Path.GetDirectoryName(fullPath)!, environment ?? System.Environment.GetEnvironmentVariable, fullPath);
        var sorted = diagnostics.OrderBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToList();
        return sorted.Count == 0 ? new(definition, sorted) : new(null, sorted);
    }

    /// <summary>What to say when -e names a directory: which environment files it holds, if any.</summary>
    private static string NotAFile(string path, string display)
    {
        var files = Directory.EnumerateFiles(path, "*.y*ml").Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(10).ToList();
        var example = Path.Combine(display, files.FirstOrDefault() ?? "local.yaml");
        return files.Count == 0
            ? $"this is a directory, not an environment file; give the YAML file itself, such as {example}"
            : $"this is a directory, not an environment file; give one of its environment files, such as {example} (it holds {string.Join(", ", files)})";
    }

    private static YamlMappingNode? Parse(string text, YamlReader reader)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var (line, column, message) = YamlSyntaxErrors.Locate(e, text);
            reader.Error(new SourceLocation(reader.File, line, column), message);
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails on some unclosed flow collections without a position.
            var (line, column, message) = YamlSyntaxErrors.UnclosedCollection(text);
            reader.Error(new SourceLocation(reader.File, line, column), message);
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            reader.Error(new SourceLocation(reader.File, 1, 1), "the environment file is empty");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            // A second document (after ---) would otherwise be ignored without a word.
            reader.Error(stream.Documents[1].RootNode, "the environment file holds more than one YAML document (separated by ---); keep one environment per file");
        }

        return reader.Mapping(stream.Documents[0].RootNode, "the environment file");
    }

    private static EnvironmentDefinition? Build(YamlMappingNode root, YamlReader reader, string baseDirectory, Func<string, string?> environment, string fullPath)
    {
        reader.RejectUnknownKeys(root, "the environment", TopKeys);
        const string Top = "the environment";

        var name = reader.String(root, "name", Top, required: true);
        if (name is not null && !Names.Environment().IsMatch(name))
        {
            reader.Error(YamlReader.Get(root, "name")!, $"environment name '{name}' must start with a letter or digit and use only letters, digits, '_', '.' and '-' (at most 63)");
        }

        var engine = ParseEnum(reader, root, "engine", required: true, ("postgres", EngineKind.Postgres), ("mariadb", EngineKind.MariaDb), ("sqlite", EngineKind.Sqlite));
        if (engine == EngineKind.Sqlite)
        {
            return SqliteEnvironment.Build(root, reader, name, baseDirectory, fullPath);
        }

        if (YamlReader.Get(root, "file") is { } file)
        {
            reader.Error(file, $"'file' applies only to engine sqlite; the servers of {(engine is { } kind ? $"engine {kind.ToText()}" : "this environment")} are described under 'nodes'");
        }

        var provider = ParseEnum(reader, root, "provider", required: false, ("local", ProviderKind.Local), ("docker", ProviderKind.Docker), ("external", ProviderKind.External)) ?? ProviderKind.Local;
        var image = ReadImage(root, reader, provider);

        var database = reader.String(root, "database", Top, required: true);
        if (database is not null && !Names.Identifier().IsMatch(database))
        {
            reader.Error(YamlReader.Get(root, "database")!, $"database name '{database}' must start with a letter or '_' and use only letters, digits and '_' (at most 32)");
        }

        // The servers the tool starts get certificates from the environment's own CA, which it trusts.
        var written = ParseEnum(reader, root, "tls", required: false, ("disable", TlsMode.Disable), ("prefer", TlsMode.Prefer), ("require", TlsMode.Require), ("verify-full", TlsMode.VerifyFull));
        var tlsCa = TlsCaReader.Read(root, reader, provider, written, baseDirectory);
        var tls = written ?? (provider.StartsServers() || tlsCa is not null ? TlsMode.VerifyFull : TlsMode.Prefer);

        var migrations = EnvironmentSections.ReadMigrations(root, reader, baseDirectory, engine);
        var (admin, replication) = EnvironmentSections.ReadCredentials(root, reader, provider, baseDirectory, environment);
        var allowEntries = EnvironmentSections.ReadAllow(root, reader);
        var replicationSettings = EnvironmentSections.ReadReplication(root, reader);
        var local = EnvironmentSections.ReadLocal(root, reader, baseDirectory);
        var shardsNode = YamlReader.Get(root, "shards");
        if (shardsNode is not null && YamlReader.Get(root, "nodes") is { } both)
        {
            reader.Error(both, "'nodes' and 'shards' exclude each other: a sharded environment lists the nodes of each shard under 'shards'");
        }

        var shards = shardsNode is null ? [] : ShardsReader.Read(shardsNode, reader, provider, database ?? "app");
        var drafts = shardsNode is null ? NodeListReader.Read(root, reader) : shards.SelectMany(s => s.Nodes).ToList();
        var (backupNode, archive) = BackupSectionReader.Read(root, reader, shardsNode is null ? drafts : shards.FirstOrDefault()?.Nodes ?? [], engine, provider, baseDirectory);

        if (shardsNode is null)
        {
            CheckOneTopology(drafts, YamlReader.Get(root, "nodes"), engine, provider, reader);
        }
        else
        {
            ShardRules.Check(shards, engine, provider, reader);
        }

        if (name is null || engine is null || database is null || admin is null || replication is null || drafts.Count == 0)
        {
            return null;
        }

        NodeDefinition Node(NodeDraft d) => new(d.Name!, d.Role!.Value, d.Host, d.Port!.Value, d.Source, d.Sync, d.At)
        {
            Tls = tls,
            Image = provider == ProviderKind.Docker ? d.Image ?? image ?? DefaultImage(engine.Value) : null,
        };
        static bool Complete(NodeDraft d) => d.Name is not null && d.Role is not null && d.Port is not null;
        var nodes = shardsNode is null ? drafts.Where(Complete).Select(Node).ToList() : [];
        var shardDefinitions = shards
            .Where(s => s.Name is not null)
            .Select(s => new ShardDefinition(s.Name!, s.Database ?? database, s.Nodes.Where(Complete).Select(Node).ToList(), s.At))
            .ToList();
        var hosts = shardsNode is null ? nodes.Select(n => n.Host) : shardDefinitions.SelectMany(s => s.Nodes).Select(n => n.Host);
        var allow = allowEntries ?? hosts.Distinct().Select(HostCidr).OfType<Cidr>().ToList();
        return new EnvironmentDefinition(name, engine.Value, provider, database, migrations, admin, replication, allow, replicationSettings, local, nodes, fullPath)
        {
            BackupNode = backupNode,
            Archive = archive,
            Shards = shardDefinitions,
            Tls = tls,
            TlsCaFile = tlsCa,
        };
    }

    /// <summary>The rules of one primary and its replicas (an environment's nodes, or one shard's).</summary>
    internal static void CheckOneTopology(IReadOnlyList<NodeDraft> drafts, YamlNode? nodesNode, EngineKind? engine, ProviderKind provider, YamlReader reader)
    {
        TopologyRules.Check(drafts, engine, provider, reader);
        if (drafts.Count > 0 && !drafts.Any(n => n.Role == NodeRole.Primary) && nodesNode is not null)
        {
            reader.Error(nodesNode, "no node has role: primary; an environment needs exactly one primary");
        }
    }

    /// <summary>The official image of the engine's version this tool runs.</summary>
    public static string DefaultImage(EngineKind engine) => engine == EngineKind.MariaDb ? "mariadb:10.11" : "postgres:15";

    private static string? ReadImage(YamlMappingNode root, YamlReader reader, ProviderKind provider)
    {
        if (YamlReader.Get(root, "image") is not { } node)
        {
            return null;
        }

        var image = reader.String(root, "image", "the environment", required: false);
        if (provider != ProviderKind.Docker)
        {
            reader.Error(node, "'image' applies only to provider docker, whose nodes run in containers");
        }
        else if (image is not null && !Names.Image().IsMatch(image))
        {
            reader.Error(node, Names.NotAnImage(image));
        }

        return image;
    }

    private static Cidr? HostCidr(string host)
    {
        var text = host == "localhost" ? "127.0.0.1/32" : host.Contains(':', StringComparison.Ordinal) ? $"{host}/128" : $"{host}/32";
        return Cidr.TryParse(text, out var cidr, out _) ? cidr : null;
    }

    private static T? ParseEnum<T>(YamlReader reader, YamlMappingNode map, string key, bool required, params (string Text, T Value)[] options)
        where T : struct
    {
        var text = reader.String(map, key, "the environment", required);
        if (text is null)
        {
            return null;
        }

        foreach (var (optionText, value) in options)
        {
            if (optionText == text)
            {
                return value;
            }
        }

        var names = options.Select(o => o.Text).ToList();
        var hint = Names.ClosestMatch(text, names) is { } guess ? $"did you mean '{guess}'? " : "";
        reader.Error(YamlReader.Get(map, key)!, $"unknown {key} '{text}' ({hint}expected one of: {string.Join(", ", names)})");
        return null;
    }

}
