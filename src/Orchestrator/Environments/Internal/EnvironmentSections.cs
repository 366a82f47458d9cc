using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Environments.Internal;

/// <summary>Reads the optional sections of an environment file: migrations, credentials, access, replication, local.</summary>
internal static class EnvironmentSections
{
    /// <summary>The values of <c>migrations.dialect</c> each engine accepts; the first is the default.</summary>
    private static readonly Dictionary<EngineKind, (string Name, MigrationDialect Dialect)[]> Dialects = new()
    {
        [EngineKind.Postgres] =
        [
            ("postgres15", MigrationDialect.Default), ("postgres11", MigrationDialect.Postgres11), ("postgres10", MigrationDialect.Postgres10),
            ("postgres92", MigrationDialect.Postgres92), ("postgres", MigrationDialect.Postgres),
        ],
        [EngineKind.MariaDb] = [("mysql8", MigrationDialect.Default)],
        [EngineKind.Sqlite] = [("sqlite", MigrationDialect.Default)],
    };

    public static MigrationsDefinition? ReadMigrations(YamlMappingNode root, YamlReader reader, string baseDirectory, EngineKind? engine)
    {
        if (YamlReader.Get(root, "migrations") is not { } node || reader.Mapping(node, "'migrations'") is not { } map)
        {
            return null;
        }

        const string Context = "'migrations'";
        reader.RejectUnknownKeys(map, Context, "project", "assembly", "tags", "profile", "namespace", "nested_namespaces", "dialect", "lock_timeout", "lock_retries", "offline", "max_replica_lag");
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
        var nested = reader.Bool(map, "nested_namespaces", Context) ?? false;
        var ns = reader.String(map, "namespace", Context, required: false);
        if (nested && ns is null)
        {
            reader.Error(YamlReader.Get(map, "nested_namespaces")!, "'nested_namespaces' needs 'namespace' in 'migrations' (the namespace whose nested namespaces to include)");
        }

        string? Absolute(string? p) => p is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, p));
        return new MigrationsDefinition(Absolute(project), Absolute(assembly), tags)
        {
            Profile = reader.String(map, "profile", Context, required: false),
            Namespace = ns,
            NestedNamespaces = nested,
            Dialect = ReadDialect(map, reader, engine),
            Locks = ReadLocks(map, reader),
            Offline = ReadOffline(map, reader),
            MaxReplicaLag = ReadMaxReplicaLag(map, reader),
        };
    }

    /// <summary>Migration versions (FluentMigrator's long numbers) to run as written, without their online form.</summary>
    private static IReadOnlySet<long> ReadOffline(YamlMappingNode map, YamlReader reader)
    {
        var versions = new HashSet<long>();
        foreach (var (text, node) in reader.StringList(map, "offline", "'migrations'"))
        {
            if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
            {
                versions.Add(version);
            }
            else
            {
                reader.Error(node, $"each entry of 'offline' in 'migrations' must be a migration version (a whole number, as in [Migration(202401010004)]), not '{text}'");
            }
        }

        return versions;
    }

    /// <summary>How far behind a replica may fall before an online table copy pauses for it.</summary>
    private static TimeSpan? ReadMaxReplicaLag(YamlMappingNode map, YamlReader reader)
    {
        if (reader.String(map, "max_replica_lag", "'migrations'", required: false) is not { } text)
        {
            return null;
        }

        if (DurationText.Problem(text, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), out var parsed) is { } problem)
        {
            reader.Error(YamlReader.Get(map, "max_replica_lag")!, $"max_replica_lag '{text}' {problem}");
            return null;
        }

        return parsed;
    }

    private static LockDiscipline ReadLocks(YamlMappingNode map, YamlReader reader)
    {
        var timeout = LockDiscipline.Default.Timeout;
        if (reader.String(map, "lock_timeout", "'migrations'", required: false) is { } text)
        {
            if (DurationText.Problem(text, LockDiscipline.MinTimeout, LockDiscipline.MaxTimeout, out var parsed) is { } problem)
            {
                reader.Error(YamlReader.Get(map, "lock_timeout")!, $"lock_timeout '{text}' {problem}");
            }
            else
            {
                timeout = parsed;
            }
        }

        var retries = reader.Int(map, "lock_retries", "'migrations'", required: false, 0, LockDiscipline.MaxRetries) ?? LockDiscipline.Default.Retries;
        return new LockDiscipline(timeout, retries);
    }

    private static MigrationDialect ReadDialect(YamlMappingNode map, YamlReader reader, EngineKind? engine)
    {
        if (reader.String(map, "dialect", "'migrations'", required: false) is not { } text || engine is null)
        {
            return MigrationDialect.Default;
        }

        var accepted = Dialects[engine.Value];
        foreach (var (name, dialect) in accepted)
        {
            if (name == text)
            {
                return dialect;
            }
        }

        var hint = Names.ClosestMatch(text, accepted.Select(a => a.Name)) is { } guess ? $"did you mean '{guess}'? " : "";
        reader.Error(YamlReader.Get(map, "dialect")!, $"unknown dialect '{text}' for engine {engine.Value.ToText()} ({hint}expected one of: {string.Join(", ", accepted.Select(a => a.Name))})");
        return MigrationDialect.Default;
    }

    public static (Credential? Admin, Credential? Replication) ReadCredentials(
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

        // Only the admin account logs in as the tool; the replication account's login is the servers'.
        if (key == "admin")
        {
            reader.RejectUnknownKeys(map, context, "user", "password", "certificate", "key");
        }
        else
        {
            reader.RejectUnknownKeys(map, context, "user", "password");
        }

        var user = reader.String(map, "user", context, required: false) ?? defaultUser;
        var valid = true;
        if (!Names.Identifier().IsMatch(user))
        {
            reader.Error(YamlReader.Get(map, "user")!, $"account name '{user}' must start with a letter or '_' and use only letters, digits and '_' (at most 32)");
            valid = false;
        }

        // An external environment must say how to log in as admin; the replication password only the
        // commands that connect as that account need (they say so when it is missing).
        // A client certificate may log in alone (PostgreSQL cert authentication).
        ClientCertificate? certificate = null;
        if (key == "admin")
        {
            certificate = ClientCertificateReader.Read(map, reader, provider, baseDirectory, out var certificateValid);
            valid &= certificateValid;
        }

        var passwordRequired = provider == ProviderKind.External && key == "admin" && !ClientCertificateReader.IsGiven(map);
        Secret? password = null;
        if (reader.String(map, "password", context, required: passwordRequired) is { } text)
        {
            password = SecretResolver.Resolve(text, baseDirectory, environment, out var error);
            if (password is null)
            {
                reader.Error(YamlReader.Get(map, "password")!, error);
                valid = false;
            }
        }
        else if (passwordRequired)
        {
            valid = false;
        }

        return valid ? new Credential(user, password) { Certificate = certificate } : null;
    }

    public static List<Cidr>? ReadAllow(YamlMappingNode root, YamlReader reader)
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

    public static ReplicationSettings ReadReplication(YamlMappingNode root, YamlReader reader)
    {
        if (YamlReader.Get(root, "replication") is not { } node || reader.Mapping(node, "'replication'") is not { } map)
        {
            return ReplicationSettings.Default;
        }

        const string Context = "'replication'";
        reader.RejectUnknownKeys(map, Context, "max_slot_wal_keep_size", "replay_timeout", "wait");
        var keep = reader.String(map, "max_slot_wal_keep_size", Context, required: false) ?? ReplicationSettings.Default.MaxSlotWalKeepSize;
        if (WalKeepSize.Problem(keep) is { } sizeProblem)
        {
            reader.Error(YamlReader.Get(map, "max_slot_wal_keep_size")!, $"max_slot_wal_keep_size '{keep}' {sizeProblem}");
        }

        var timeout = ReplicationSettings.Default.ReplayTimeout;
        if (reader.String(map, "replay_timeout", Context, required: false) is { } text)
        {
            if (DurationText.Problem(text, ReplicationSettings.MinReplayTimeout, ReplicationSettings.MaxReplayTimeout, out var parsed) is { } problem)
            {
                reader.Error(YamlReader.Get(map, "replay_timeout")!, $"replay_timeout '{text}' {problem}");
            }
            else
            {
                timeout = parsed;
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

    public static LocalSettings ReadLocal(YamlMappingNode root, YamlReader reader, string baseDirectory)
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
}
