using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Orchestrator.Data;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Online;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// PostgreSQL's online table copy. The shadow is made LIKE the table without its indexes, which
/// get names of their own until the swap (index names are unique in a schema); one trigger
/// function carries each insert, update and delete; chunks read their rows FOR SHARE so that a
/// row changed meanwhile waits for the chunk. The swap is one transaction: the table is dropped,
/// the shadow takes its name, its indexes and constraints theirs, its sequences and grants.
/// </summary>
internal sealed partial class PostgresTableCopies : ITableCopies, ICopyStates
{
    public static readonly PostgresTableCopies Instance = new();

    public ICopyStates States => this;

    private static readonly string State = PostgresSql.Identifier(VersionTable.OnlineCopyTableName);

    public string CreateStateTable =>
        $"CREATE TABLE IF NOT EXISTS {State} (version bigint NOT NULL, table_schema text, table_name text NOT NULL, column_name text NOT NULL, phase text NOT NULL, last_key text, " +
        "rows_copied bigint NOT NULL DEFAULT 0, heartbeat bigint NOT NULL DEFAULT 0, updated_on timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (version, table_name, column_name))";

    public IReadOnlyList<string> Begin { get; } = ["BEGIN"];

    public bool PrepareIsAtomic => true;

    public string Load => "SELECT count(*) AS busy FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()";

    public SqlStatement ReadState(long version, TableCopy copy) =>
        new($"SELECT phase, last_key, rows_copied, heartbeat FROM {State} WHERE version = $1 AND table_name = $2 AND column_name = $3", [version, copy.Table, copy.Column]);

    public SqlStatement SaveState(long version, TableCopy copy, CopyState state, long heartbeat) => new(
        $"INSERT INTO {State} (version, table_schema, table_name, column_name, phase, last_key, rows_copied, heartbeat, updated_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) " +
        "ON CONFLICT (version, table_name, column_name) DO UPDATE SET table_schema = EXCLUDED.table_schema, phase = EXCLUDED.phase, last_key = EXCLUDED.last_key, " +
        "rows_copied = EXCLUDED.rows_copied, heartbeat = EXCLUDED.heartbeat, updated_on = EXCLUDED.updated_on",
        [version, copy.Schema, copy.Table, copy.Column, state.Phase, state.LastKey, state.Rows, heartbeat]);

    public SqlStatement ReadCopies(long version) =>
        new($"SELECT phase, table_schema, table_name, column_name FROM {State} WHERE version = $1 ORDER BY table_name, column_name", [version]);

    public SqlStatement ForgetCopies(long version) => new($"DELETE FROM {State} WHERE version = $1", [version]);

    public SqlStatement Heartbeat(long version, TableCopy copy) =>
        new($"SELECT heartbeat FROM {State} WHERE version = $1 AND table_name = $2 AND column_name = $3", [version, copy.Table, copy.Column]);

    public SqlStatement Exists(TableCopy copy) => new(
        "SELECT (to_regclass($1) IS NOT NULL)::int AS table_exists, (to_regclass($2) IS NOT NULL)::int AS shadow_exists, (to_regclass($3) IS NOT NULL)::int AS old_exists",
        [Qualified(copy, copy.Table), Qualified(copy, copy.Shadow), Qualified(copy, copy.Old)]);

    public async Task<string?> RefusalAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken)
    {
        var facts = (await session.QueryAsync(
            """
            SELECT c.relkind::text AS kind, c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AS owned, c.relrowsecurity AS row_security,
                   c.relreplident::text AS replica_identity, c.reltablespace <> 0 AS tablespace, coalesce(array_length(c.reloptions, 1), 0) > 0 AS options,
                   (SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = c.oid AND i.indisprimary) AS key_columns,
                   (SELECT bool_or(condeferrable) FROM pg_constraint WHERE conrelid = c.oid AND contype = 'p') AS deferrable_key,
                   (SELECT string_agg(conname || ' of ' || conrelid::regclass::text, ', ') FROM pg_constraint WHERE confrelid = c.oid AND contype = 'f') AS referenced_by,
                   (SELECT string_agg(DISTINCT v.oid::regclass::text, ', ') FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
                     WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = c.oid AND v.oid <> c.oid
                       AND (v.relkind <> 'v' OR v.relowner <> c.relowner OR EXISTS (SELECT 1 FROM pg_depend d2 JOIN pg_rewrite r2 ON r2.oid = d2.objid
                            WHERE d2.classid = 'pg_rewrite'::regclass AND d2.refobjid = v.oid AND r2.ev_class <> v.oid))) AS views,
                   (SELECT string_agg(tgname, ', ') FROM pg_trigger WHERE tgrelid = c.oid AND NOT tgisinternal AND tgname <> $2 AND tgenabled <> 'O') AS triggers,
                   (SELECT count(*) FROM pg_inherits WHERE inhrelid = c.oid OR inhparent = c.oid) AS inheritance,
                   (SELECT count(*) FROM pg_policy WHERE polrelid = c.oid) AS policies,
                   (SELECT string_agg(p.pubname, ', ') FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid WHERE pr.prrelid = c.oid) AS publications,
                   (SELECT count(*) FROM pg_attribute WHERE attrelid = c.oid AND attacl IS NOT NULL) AS column_grants
            FROM pg_class c WHERE c.oid = to_regclass($1)
            """,
            [Qualified(copy, copy.Table), copy.Sync],
            cancellationToken)).SingleOrDefault();
        string? Has(string column) => facts?.GetString(column);
        return facts is null ? $"table \"{copy.Table}\" does not exist"
            : Has("kind") != "r" ? $"\"{copy.Table}\" is not a plain table (partitioned tables are not copied online)"
            : facts.GetBoolean("owned") != true ? $"\"{copy.Table}\" is owned by another role than the one migrating, which the new table could not take over"
            : facts.GetInt64("key_columns") != 1 ? $"\"{copy.Table}\" has no single-column primary key to copy it by in chunks"
            : facts.GetBoolean("deferrable_key") == true ? $"the primary key of \"{copy.Table}\" is deferrable, which the copy's triggers cannot use"
            : Has("referenced_by") is { } fks ? $"foreign keys reference \"{copy.Table}\" ({fks}) and would have to move to the new table"
            : Has("views") is { } views ? $"views or materialized views depend on \"{copy.Table}\" that the copy cannot make again ({views}: a materialized view, one owned by another role, or one other views depend on)"
            : Has("triggers") is { } triggers ? $"\"{copy.Table}\" has disabled or replica-only triggers ({triggers})"
            : facts.GetInt64("inheritance") > 0 ? $"\"{copy.Table}\" takes part in table inheritance"
            : facts.GetBoolean("row_security") == true || facts.GetInt64("policies") > 0 ? $"\"{copy.Table}\" has row-level security, whose policies would have to move to the new table"
            : Has("publications") is { } publications ? $"\"{copy.Table}\" is in publications ({publications}), which would have to take the new table"
            : Has("replica_identity") != "d" ? $"\"{copy.Table}\" has a replica identity other than its primary key"
            : facts.GetBoolean("tablespace") == true ? $"\"{copy.Table}\" is in a tablespace of its own"
            : facts.GetBoolean("options") == true ? $"\"{copy.Table}\" has storage options (WITH (...)) the new table would have to take"
            : facts.GetInt64("column_grants") > 0 ? $"\"{copy.Table}\" has grants on single columns"
            : null;
    }

    public async Task<IReadOnlyList<string>> PrepareAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken)
    {
        var table = Qualified(copy, copy.Table);
        var shadow = Qualified(copy, copy.Shadow);
        var statements = new List<string>
        {
            // Autovacuum waits until the swap: a worker on the freshly filled shadow would hold the
            // swap's exclusive lock (and every writer queued behind it) until it cancels itself after deadlock_timeout.
            $"CREATE TABLE {shadow} (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS INCLUDING COMPRESSION INCLUDING STATISTICS) " +
                "WITH (autovacuum_enabled = false)",
        };
        statements.AddRange(copy.ShadowChanges);
        foreach (var index in await IndexesAsync(session, copy, cancellationToken))
        {
            var temporary = PostgresSql.Identifier(Temporary(copy, index.Name));
            statements.Add(index.Constraint is { } definition
                ? $"ALTER TABLE {shadow} ADD CONSTRAINT {temporary} {definition}"
                : IndexHead().Replace(index.Definition, $"CREATE $1INDEX {temporary} ON {shadow} USING ", 1));
        }

        foreach (var row in await session.QueryAsync("SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'f'", [table], cancellationToken))
        {
            statements.Add($"ALTER TABLE {shadow} ADD CONSTRAINT {PostgresSql.Identifier(row.GetString("conname")!)} {row.GetString("definition")}");
        }

        var (key, columns) = await OwnColumnsAsync(session, copy, cancellationToken);
        var names = string.Join(", ", columns.Select(PostgresSql.Identifier));
        var values = string.Join(", ", columns.Select(c => "NEW." + PostgresSql.Identifier(c)));
        var quotedKey = PostgresSql.Identifier(key);
        var others = columns.Where(c => c != key).Select(c => $"{PostgresSql.Identifier(c)} = EXCLUDED.{PostgresSql.Identifier(c)}").ToList();
        var onConflict = others.Count == 0 ? "DO NOTHING" : $"DO UPDATE SET {string.Join(", ", others)}";
        var function = Qualified(copy, copy.Sync);
        var gone = Qualified(copy, copy.Gone);
        statements.Add($"CREATE TABLE {gone} AS SELECT {quotedKey} FROM {table} WITH NO DATA");
        // As its owner, with names it resolves itself: the writers' roles need no rights on the
        // shadow, and their search_path cannot redirect it. A writer whose snapshot is older than
        // a chunk cannot see that chunk's rows to delete them: the keys it deleted are kept, and
        // the swap removes those rows once no such writer is left.
        statements.Add(
            $"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $oc$ BEGIN " +
            $"IF TG_OP <> 'INSERT' THEN DELETE FROM {shadow} WHERE {quotedKey} = OLD.{quotedKey}; END IF; " +
            $"IF TG_OP = 'DELETE' OR OLD.{quotedKey} IS DISTINCT FROM NEW.{quotedKey} THEN INSERT INTO {gone} VALUES (OLD.{quotedKey}); END IF; " +
            $"IF TG_OP <> 'DELETE' THEN INSERT INTO {shadow} ({names}) OVERRIDING SYSTEM VALUE VALUES ({values}) ON CONFLICT ({quotedKey}) {onConflict}; END IF; " +
            "RETURN NULL; END $oc$");
        statements.Add($"CREATE TRIGGER {PostgresSql.Identifier(copy.Sync)} AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()");
        return statements;
    }

    public async Task<CopyColumns> ColumnsAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken)
    {
        var (key, _) = await OwnColumnsAsync(session, copy, cancellationToken);
        var rows = await session.QueryAsync(
            """
            SELECT a.attname AS name, format_type(s.atttypid, s.atttypmod) AS type FROM pg_attribute a
            JOIN pg_attribute s ON s.attrelid = to_regclass($2) AND s.attname = a.attname AND s.attnum > 0 AND NOT s.attisdropped
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum
            """,
            [Qualified(copy, copy.Table), Qualified(copy, copy.Shadow)],
            cancellationToken);
        var columns = rows.Select(r => (r.GetString("name")!, r.GetString("type")!)).ToList();
        return new CopyColumns(key, columns.Single(c => c.Item1 == key).Item2, columns);
    }

    public SqlStatement LastKey(TableCopy copy, CopyColumns columns) =>
        new($"SELECT max({PostgresSql.Identifier(columns.Key)})::text AS bound FROM {Qualified(copy, copy.Table)}");

    public SqlStatement NextBound(TableCopy copy, CopyColumns columns, string? after, string end, int rows)
    {
        var table = Qualified(copy, copy.Table);
        var key = PostgresSql.Identifier(columns.Key);
        var where = $"WHERE {key} <= CAST($2 AS {columns.KeyType})" + (after is null ? "" : $" AND {key} > CAST($3 AS {columns.KeyType})");
        return new(
            $"SELECT COALESCE((SELECT {key} FROM {table} {where} ORDER BY {key} OFFSET $1 LIMIT 1), (SELECT max({key}) FROM {table} {where}))::text AS bound",
            after is null ? [rows - 1, end] : [rows - 1, end, after]);
    }

    public SqlStatement CopyChunk(TableCopy copy, CopyColumns columns, string? after, string upTo)
    {
        var key = PostgresSql.Identifier(columns.Key);
        var names = string.Join(", ", columns.Columns.Select(c => PostgresSql.Identifier(c.Name)));
        var from = after is null ? "" : $"{key} > CAST($2 AS {columns.KeyType}) AND ";
        return new(
            $"INSERT INTO {Qualified(copy, copy.Shadow)} ({names}) OVERRIDING SYSTEM VALUE SELECT {names} FROM {Qualified(copy, copy.Table)} " +
            $"WHERE {from}{key} <= CAST($1 AS {columns.KeyType}) FOR SHARE ON CONFLICT DO NOTHING",
            after is null ? [upTo] : [upTo, after]);
    }

    public SqlStatement Compare(TableCopy copy, CopyColumns columns)
    {
        var table = Qualified(copy, copy.Table);
        var shadow = Qualified(copy, copy.Shadow);
        var key = PostgresSql.Identifier(columns.Key);
        // As text, which every type has (json, xml and the geometric types have no equality).
        var unequal = string.Join(" OR ", columns.Columns.Select(c => $"CAST(o.{PostgresSql.Identifier(c.Name)} AS {c.Type})::text IS DISTINCT FROM n.{PostgresSql.Identifier(c.Name)}::text"));
        return new(
            $"SELECT (SELECT count(*) FROM {table}) AS old_rows, (SELECT count(*) FROM {shadow}) AS new_rows, " +
            $"(SELECT count(*) FROM {table} o FULL JOIN {shadow} n ON n.{key} = o.{key} WHERE o.{key} IS NULL OR n.{key} IS NULL OR {unequal}) AS differing");
    }

    public async Task<IReadOnlyList<SqlStatement>> SwapAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken)
    {
        var table = Qualified(copy, copy.Table);
        var shadow = Qualified(copy, copy.Shadow);
        var key = PostgresSql.Identifier((await OwnColumnsAsync(session, copy, cancellationToken)).Key);
        var statements = new List<SqlStatement>
        {
            new($"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"),
            // With the table locked no writer is left whose snapshot hid a copied row from its delete.
            // The keys are gathered first so the shadow is searched by its key: it was never analyzed
            // (autovacuum is off on it), and a join could scan all of it while writers wait.
            new($"DELETE FROM {shadow} WHERE {key} = ANY (ARRAY(SELECT g.{key} FROM {Qualified(copy, copy.Gone)} g WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE o.{key} = g.{key})))"),
            new($"ALTER TABLE {shadow} RESET (autovacuum_enabled)"),
        };
        var sequences = await session.QueryAsync(
            """
            SELECT n.nspname AS seq_schema, s.relname AS seq_name, a.attname AS column_name, a.attidentity::text AS identity
            FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace n ON n.oid = s.relnamespace
            JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE d.classid = 'pg_class'::regclass AND d.refobjid = to_regclass($1) AND d.deptype IN ('a', 'i')
            """,
            [table],
            cancellationToken);
        foreach (var row in sequences)
        {
            var sequence = $"{PostgresSql.Identifier(row.GetString("seq_schema")!)}.{PostgresSql.Identifier(row.GetString("seq_name")!)}";
            var column = PostgresSql.Identifier(row.GetString("column_name")!);
            // An identity column of the shadow has a sequence of its own: it goes on from the table's.
            statements.Add(string.IsNullOrEmpty(row.GetString("identity"))
                ? new($"ALTER SEQUENCE {sequence} OWNED BY {shadow}.{column}")
                : new($"SELECT setval(pg_get_serial_sequence($1, $2), last_value, is_called) FROM {sequence}", [shadow, row.GetString("column_name")]));
        }

        statements.AddRange(await PostgresTableCompanions.GrantsAsync(session, table, shadow, cancellationToken));
        statements.AddRange(await PostgresTableCompanions.CommentAsync(session, table, "TABLE", shadow, cancellationToken));
        var triggers = await PostgresTableCompanions.TriggersAsync(session, table, copy.Sync, cancellationToken);
        var (dropViews, createViews) = await PostgresTableCompanions.ViewsAsync(session, table, cancellationToken);
        statements.AddRange(dropViews);
        // The old table is renamed aside with its indexes, and dropped after the lock is released:
        // dropping a big table's files is no work to do while writers wait.
        var indexes = await IndexesAsync(session, copy, cancellationToken);
        statements.Add(new($"DROP TRIGGER {PostgresSql.Identifier(copy.Sync)} ON {table}"));
        statements.Add(new($"DROP FUNCTION IF EXISTS {Qualified(copy, copy.Sync)}()"));
        statements.Add(new($"DROP TABLE IF EXISTS {Qualified(copy, copy.Gone)}"));
        statements.Add(new($"ALTER TABLE {table} RENAME TO {PostgresSql.Identifier(copy.Old)}"));
        var old = Qualified(copy, copy.Old);
        foreach (var index in indexes)
        {
            var aside = PostgresSql.Identifier(Temporary(copy, "old " + index.Name));
            statements.Add(new(index.Constraint is not null
                ? $"ALTER TABLE {old} RENAME CONSTRAINT {PostgresSql.Identifier(index.Name)} TO {aside}"
                : $"ALTER INDEX {Qualified(copy, index.Name)} RENAME TO {aside}"));
        }

        statements.Add(new($"ALTER TABLE {shadow} RENAME TO {PostgresSql.Identifier(copy.Table)}"));
        foreach (var index in indexes)
        {
            var temporary = Temporary(copy, index.Name);
            statements.Add(new(index.Constraint is not null
                ? $"ALTER TABLE {table} RENAME CONSTRAINT {PostgresSql.Identifier(temporary)} TO {PostgresSql.Identifier(index.Name)}"
                : $"ALTER INDEX {Qualified(copy, temporary)} RENAME TO {PostgresSql.Identifier(index.Name)}"));
        }

        statements.AddRange(triggers);
        statements.AddRange(createViews);
        return statements;
    }

    public IReadOnlyList<string> Finish(TableCopy copy) => [$"DROP TABLE IF EXISTS {Qualified(copy, copy.Old)}", $"ANALYZE {Qualified(copy, copy.Table)}"];

    public IReadOnlyList<string> Abandon(TableCopy copy) =>
    [
        $"DROP TRIGGER IF EXISTS {PostgresSql.Identifier(copy.Sync)} ON {Qualified(copy, copy.Table)}",
        $"DROP FUNCTION IF EXISTS {Qualified(copy, copy.Sync)}()",
        $"DROP TABLE IF EXISTS {Qualified(copy, copy.Shadow)}",
        $"DROP TABLE IF EXISTS {Qualified(copy, copy.Gone)}",
    ];

    /// <summary>The table's indexes by name, with the definition of the constraint each backs (primary key, unique, exclusion), if any.</summary>
    private static async Task<IReadOnlyList<(string Name, string Definition, string? Constraint)>> IndexesAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken) =>
        (await session.QueryAsync(
            """
            SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, pg_get_constraintdef(k.oid) AS constraint_definition
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')
            WHERE i.indrelid = to_regclass($1) ORDER BY c.relname
            """,
            [Qualified(copy, copy.Table)],
            cancellationToken)).Select(r => (r.GetString("name")!, r.GetString("definition")!, r.GetString("constraint_definition"))).ToList();

    /// <summary>The primary key's column and the columns a copy writes (generated ones are computed by the shadow itself).</summary>
    private static async Task<(string Key, IReadOnlyList<string> Columns)> OwnColumnsAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken)
    {
        var table = Qualified(copy, copy.Table);
        var key = (await session.QueryAsync(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = to_regclass($1) AND i.indisprimary", [table], cancellationToken))
            .Single().GetString("attname")!;
        var columns = (await session.QueryAsync(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum", [table], cancellationToken))
            .Select(r => r.GetString("attname")!).ToList();
        return (key, columns);
    }

    /// <summary>A name of its own for one of the shadow's indexes until the swap, derived from the original's so a rerun finds it.</summary>
    private static string Temporary(TableCopy copy, string index) =>
        "oc_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{copy.Schema}.{copy.Table}.{index}")))[..16];

    /// <summary>Always with its schema, public when the migration named none (FluentMigrator's generator writes it so).</summary>
    private static string Qualified(TableCopy copy, string name) =>
        $"{PostgresSql.Identifier(string.IsNullOrEmpty(copy.Schema) ? "public" : copy.Schema)}.{PostgresSql.Identifier(name)}";


    [GeneratedRegex(@"^CREATE (UNIQUE )?INDEX .+? ON (ONLY )?.+? USING ", RegexOptions.Singleline)]
    private static partial Regex IndexHead();

}
