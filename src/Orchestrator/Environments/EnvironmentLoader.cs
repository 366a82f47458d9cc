using System.Globalization;
using Orchestrator.Environments.Internal;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Environments;

/// <summary>
/// Reads an environment file into an <see cref="EnvironmentDefinition"/>, reporting every
/// problem at once with its file, line and column.
/// </summary>
public static class EnvironmentLoader
{
    private static readonly string[] TopKeys =
        ["name", "engine", "provider", "database", "tls", "migrations", "credentials", "access", "replication", "local", "nodes"];

    private static readonly string[] NodeKeys = ["name", "role", "host", "port", "source", "sync"];

    public static EnvironmentDefinition LoadOrThrow(string path, Func<string, string?>? environment = null)
    {
        var result = Load(path, environment);
        return result.Succeeded ? result.Environment! : throw new InvalidEnvironmentException(result.Diagnostics);
    }

    public static EnvironmentLoadResult Load(string path, Func<string, string?>? environment = null)
    {
        var display = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.GetFullPath(path));
        if (display.StartsWith("..", StringComparison.Ordinal))
        {
            display = Path.GetFullPath(path);
        }

        if (!File.Exists(path))
        {
            return new(null, [new Diagnostic(new SourceLocation(display, 1, 1), "environment file does not exist")]);
        }

        var diagnostics = new List<Diagnostic>();
        var reader = new YamlReader(display, diagnostics);
        var root = Parse(File.ReadAllText(path), reader);
        if (root is null)
        {
            return new(null, diagnostics);
        }

        var definition = Build(root, reader, Path.GetDirectoryName(Path.GetFullPath(path))!, environment ?? System.Environment.GetEnvironmentVariable, Path.GetFullPath(path));
        var sorted = diagnostics.OrderBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToList();
        return sorted.Count == 0 ? new(definition, sorted) : new(null, sorted);
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
            var message = e.InnerException?.Message ?? e.Message;
            reader.Error(new SourceLocation(reader.File, (int)e.Start.Line, (int)e.Start.Column), $"invalid YAML: {TrimPosition(message)}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner reports some malformed flow collections without a position.
            reader.Error(new SourceLocation(reader.File, 1, 1), "invalid YAML: an unterminated [ ] or { } collection");
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            reader.Error(new SourceLocation(reader.File, 1, 1), "the environment file is empty");
            return null;
        }

        return reader.Mapping(stream.Documents[0].RootNode, "the environment file");
    }

    private static string TrimPosition(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we print our own position.
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(cut + 3)..] : message;
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

        var engine = ParseEnum(reader, root, "engine", required: true, ("postgres", EngineKind.Postgres), ("mariadb", EngineKind.MariaDb));
        var provider = ParseEnum(reader, root, "provider", required: false, ("local", ProviderKind.Local), ("external", ProviderKind.External)) ?? ProviderKind.Local;

        var database = reader.String(root, "database", Top, required: true);
        if (database is not null && !Names.Identifier().IsMatch(database))
        {
            reader.Error(YamlReader.Get(root, "database")!, $"database name '{database}' must start with a letter or '_' and use only letters, digits and '_' (at most 32)");
        }

        var tls = ParseEnum(reader, root, "tls", required: false, ("disable", TlsMode.Disable), ("prefer", TlsMode.Prefer), ("require", TlsMode.Require), ("verify-full", TlsMode.VerifyFull))
            ?? (provider == ProviderKind.Local ? TlsMode.Disable : TlsMode.Prefer);
        var migrations = ReadMigrations(root, reader, baseDirectory);
        var (admin, replication) = ReadCredentials(root, reader, provider, baseDirectory, environment);
        var allowEntries = ReadAllow(root, reader);
        var replicationSettings = ReadReplication(root, reader);
        var local = ReadLocal(root, reader, baseDirectory);
        var drafts = ReadNodes(root, reader);

        TopologyRules.Check(drafts, engine, provider, reader);
        if (drafts.Count > 0 && !drafts.Any(n => n.Role == NodeRole.Primary))
        {
            reader.Error(YamlReader.Get(root, "nodes")!, "no node has role: primary; an environment needs exactly one primary");
        }

        if (name is null || engine is null || database is null || admin is null || replication is null || drafts.Count == 0)
        {
            return null;
        }

        var nodes = drafts
            .Where(d => d.Name is not null && d.Role is not null && d.Port is not null)
            .Select(d => new NodeDefinition(d.Name!, d.Role!.Value, d.Host, d.Port!.Value, d.Source, d.Sync, d.At) { Tls = tls })
            .ToList();
        var allow = allowEntries ?? nodes.Select(n => n.Host).Distinct().Select(HostCidr).OfType<Cidr>().ToList();
        return new EnvironmentDefinition(name, engine.Value, provider, database, migrations, admin, replication, allow, replicationSettings, local, nodes, fullPath);
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

    private static MigrationsDefinition? ReadMigrations(YamlMappingNode root, YamlReader reader, string baseDirectory)
    {
        if (YamlReader.Get(root, "migrations") is not { } node || reader.Mapping(node, "'migrations'") is not { } map)
        {
            return null;
        }

        const string Context = "'migrations'";
        reader.RejectUnknownKeys(map, Context, "project", "assembly", "tags");
        var project = reader.String(map, "project", Context, required: false);
        var assembly = reader.String(map, "assembly", Context, required: false);
        if (project is not null && assembly is not null)
        {
            reader.Error(map, "'migrations' names both a project and an assembly; keep one of them");
        }
        else if (project is null && assembly is null)
        {
            reader.Error(map, "'migrations' needs either 'project' (a .csproj to build) or 'assembly' (a built .dll)");
        }

        var tags = reader.StringList(map, "tags", Context).Select(t => t.Value).ToList();
        string? Absolute(string? p) => p is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, p));
        return new MigrationsDefinition(Absolute(project), Absolute(assembly), tags);
    }

    private static (Credential? Admin, Credential? Replication) ReadCredentials(
        YamlMappingNode root, YamlReader reader, ProviderKind provider, string baseDirectory, Func<string, string?> environment)
    {
        YamlMappingNode? map = null;
        if (YamlReader.Get(root, "credentials") is { } node && reader.Mapping(node, "'credentials'") is { } m)
        {
            map = m;
            reader.RejectUnknownKeys(m, "'credentials'", "admin", "replication");
        }
        else if (provider == ProviderKind.External)
        {
            reader.Error(root, "missing required key 'credentials' (an external environment must say how to log in: credentials.admin.user and .password)");
        }

        var admin = ReadCredential(map, "admin", "orchestrator", reader, provider, baseDirectory, environment);
        var replication = ReadCredential(map, "replication", "replicator", reader, provider, baseDirectory, environment);
        if (admin is not null && replication is not null && admin.User == replication.User)
        {
            reader.Error(YamlReader.Get(map!, "replication") ?? root, $"the replication account must differ from the admin account ('{admin.User}'); it gets only replication rights");
        }

        return (admin, replication);
    }

    private static Credential? ReadCredential(
        YamlMappingNode? credentials, string key, string defaultUser, YamlReader reader, ProviderKind provider, string baseDirectory, Func<string, string?> environment)
    {
        var context = $"'credentials.{key}'";
        var node = credentials is null ? null : YamlReader.Get(credentials, key);
        if (node is null)
        {
            if (provider == ProviderKind.External && key == "admin" && credentials is not null)
            {
                reader.Error(credentials, "missing required key 'admin' in 'credentials' (an external environment must say how to log in)");
            }

            return new Credential(defaultUser, null);
        }

        if (reader.Mapping(node, context) is not { } map)
        {
            return null;
        }

        reader.RejectUnknownKeys(map, context, "user", "password");
        var user = reader.String(map, "user", context, required: false) ?? defaultUser;
        var valid = true;
        if (!Names.Identifier().IsMatch(user))
        {
            reader.Error(YamlReader.Get(map, "user")!, $"account name '{user}' must start with a letter or '_' and use only letters, digits and '_' (at most 32)");
            valid = false;
        }

        Secret? password = null;
        if (reader.String(map, "password", context, required: provider == ProviderKind.External) is { } text)
        {
            password = SecretResolver.Resolve(text, baseDirectory, environment, out var error);
            if (password is null)
            {
                reader.Error(YamlReader.Get(map, "password")!, error);
                valid = false;
            }
        }
        else if (provider == ProviderKind.External)
        {
            valid = false;
        }

        return valid ? new Credential(user, password) : null;
    }

    private static List<Cidr>? ReadAllow(YamlMappingNode root, YamlReader reader)
    {
        if (YamlReader.Get(root, "access") is not { } node || reader.Mapping(node, "'access'") is not { } map)
        {
            return null;
        }

        reader.RejectUnknownKeys(map, "'access'", "allow");
        var cidrs = new List<Cidr>();
        foreach (var (text, item) in reader.StringList(map, "allow", "'access'"))
        {
            if (Cidr.TryParse(text, out var cidr, out var error))
            {
                cidrs.Add(cidr!);
            }
            else
            {
                reader.Error(item, error);
            }
        }

        return cidrs;
    }

    private static ReplicationSettings ReadReplication(YamlMappingNode root, YamlReader reader)
    {
        if (YamlReader.Get(root, "replication") is not { } node || reader.Mapping(node, "'replication'") is not { } map)
        {
            return ReplicationSettings.Default;
        }

        const string Context = "'replication'";
        reader.RejectUnknownKeys(map, Context, "max_slot_wal_keep_size", "replay_timeout", "wait");
        var keep = reader.String(map, "max_slot_wal_keep_size", Context, required: false) ?? ReplicationSettings.Default.MaxSlotWalKeepSize;
        if (!Names.PostgresSize().IsMatch(keep))
        {
            reader.Error(YamlReader.Get(map, "max_slot_wal_keep_size")!, $"max_slot_wal_keep_size '{keep}' must be a size such as 512MB or 2GB (units kB, MB, GB, TB), or -1 for no limit");
        }

        var timeout = ReplicationSettings.Default.ReplayTimeout;
        if (reader.String(map, "replay_timeout", Context, required: false) is { } text)
        {
            var match = Names.Duration().Match(text);
            if (match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0)
            {
                timeout = match.Groups[2].Value switch
                {
                    "ms" => TimeSpan.FromMilliseconds(amount),
                    "s" => TimeSpan.FromSeconds(amount),
                    "m" => TimeSpan.FromMinutes(amount),
                    _ => TimeSpan.FromHours(amount),
                };
            }
            else
            {
                reader.Error(YamlReader.Get(map, "replay_timeout")!, $"replay_timeout '{text}' must be a positive duration such as 500ms, 30s, 5m or 1h");
            }
        }

        var wait = reader.String(map, "wait", Context, required: false) switch
        {
            null or "per-migration" => ReplayWait.PerMigration,
            "per-run" => ReplayWait.PerRun,
            var other => Invalid(other),
        };
        ReplayWait Invalid(string text)
        {
            reader.Error(YamlReader.Get(map, "wait")!, $"unknown wait '{text}' (expected one of: per-migration, per-run)");
            return ReplayWait.PerMigration;
        }

        return new ReplicationSettings(keep, timeout, wait);
    }

    private static LocalSettings ReadLocal(YamlMappingNode root, YamlReader reader, string baseDirectory)
    {
        if (YamlReader.Get(root, "local") is not { } node || reader.Mapping(node, "'local'") is not { } map)
        {
            return LocalSettings.Default;
        }

        const string Context = "'local'";
        reader.RejectUnknownKeys(map, Context, "postgres_bin_dir", "mariadb_bin_dir", "os_user");
        string? Directory(string key)
        {
            var text = reader.String(map, key, Context, required: false);
            if (text is null)
            {
                return null;
            }

            var full = Path.GetFullPath(Path.Combine(baseDirectory, text));
            if (!System.IO.Directory.Exists(full))
            {
                reader.Error(YamlReader.Get(map, key)!, $"{key} '{full}' does not exist");
            }

            return full;
        }

        var osUser = reader.String(map, "os_user", Context, required: false);
        if (osUser is not null && !Names.Identifier().IsMatch(osUser))
        {
            reader.Error(YamlReader.Get(map, "os_user")!, $"os_user '{osUser}' is not a valid user name");
        }

        return new LocalSettings(Directory("postgres_bin_dir"), Directory("mariadb_bin_dir"), osUser);
    }

    private static List<NodeDraft> ReadNodes(YamlMappingNode root, YamlReader reader)
    {
        var drafts = new List<NodeDraft>();
        var nodesNode = YamlReader.Get(root, "nodes");
        if (nodesNode is null)
        {
            reader.Error(root, "missing required key 'nodes' (list the primary and its replicas)");
            return drafts;
        }

        if (nodesNode is not YamlSequenceNode sequence || sequence.Children.Count == 0)
        {
            reader.Error(nodesNode, "'nodes' must be a non-empty list of nodes, each with name, role and port");
            return drafts;
        }

        var index = 0;
        foreach (var item in sequence.Children)
        {
            index++;
            if (reader.Mapping(item, $"node #{index}") is not { } map)
            {
                continue;
            }

            var context = $"node #{index}";
            reader.RejectUnknownKeys(map, context, NodeKeys);
            var name = reader.String(map, "name", context, required: true);
            if (name is not null && !Names.Node().IsMatch(name))
            {
                reader.Error(YamlReader.Get(map, "name")!, $"node name '{name}' must start with a lowercase letter and use only lowercase letters, digits and '-' (at most 40)");
                name = null;
            }

            var roleText = reader.String(map, "role", context, required: true);
            NodeRole? role = roleText switch
            {
                null => null,
                "primary" => NodeRole.Primary,
                "replica" => NodeRole.Replica,
                _ => null,
            };
            if (roleText is not null && role is null)
            {
                reader.Error(YamlReader.Get(map, "role")!, $"unknown role '{roleText}' (expected one of: primary, replica)");
            }

            var host = reader.String(map, "host", context, required: false) ?? "127.0.0.1";
            if (!Names.Host().IsMatch(host))
            {
                reader.Error(YamlReader.Get(map, "host")!, $"host '{host}' is not an IP address or host name");
            }

            var port = reader.Int(map, "port", context, required: true, 1, 65535);
            var source = reader.String(map, "source", context, required: false);
            var sync = reader.Bool(map, "sync", context) ?? false;
            SourceLocation At(string key) => YamlReader.Get(map, key) is { } n ? reader.At(n) : reader.At(map);
            drafts.Add(new NodeDraft(name, At("name"), role, At("role"), host, At("host"), port, At("port"), source, At("source"), sync, At("sync"), reader.At(map)));
        }

        return drafts;
    }
}
