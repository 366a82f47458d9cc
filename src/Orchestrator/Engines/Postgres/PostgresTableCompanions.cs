using System.Text.RegularExpressions;
using Orchestrator.Data;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// What goes along with a table an online copy replaces, read from the catalog before the swap
/// and made again in its transaction: grants and the comment (on the new table), the table's own
/// triggers (their definitions name the table, which the new one then is), and the views over it
/// (dropped before the old table goes, made again from their definitions, grants and comments).
/// </summary>
internal static partial class PostgresTableCompanions
{
    /// <summary>GRANTs that give <paramref name="target"/> what <paramref name="relation"/> grants to roles other than its owner.</summary>
    public static async Task<IReadOnlyList<SqlStatement>> GrantsAsync(IDbSession session, string relation, string target, CancellationToken cancellationToken)
    {
        var grants = await session.QueryAsync(
            """
            SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE r.rolname END AS grantee, a.privilege_type, a.is_grantable
            FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE c.oid = to_regclass($1) AND a.grantee <> c.relowner
            """,
            [relation],
            cancellationToken);
        return grants.Select(grant =>
        {
            var grantee = grant.GetString("grantee") is { } role ? PostgresSql.Identifier(role) : "PUBLIC";
            var option = grant.GetBoolean("is_grantable") == true ? " WITH GRANT OPTION" : "";
            return new SqlStatement($"GRANT {PrivilegeWord().Match(grant.GetString("privilege_type")!).Value} ON {target} TO {grantee}{option}");
        }).ToList();
    }

    /// <summary>The relation's comment on <paramref name="target"/>: COMMENT takes no parameters, so the server's own text goes in as a literal.</summary>
    public static async Task<IReadOnlyList<SqlStatement>> CommentAsync(IDbSession session, string relation, string kind, string target, CancellationToken cancellationToken) =>
        (await session.QueryAsync("SELECT obj_description(to_regclass($1), 'pg_class') AS comment", [relation], cancellationToken)).Single().GetString("comment") is { } comment
            ? [new SqlStatement($"COMMENT ON {kind} {target} IS {PostgresSql.Literal(comment)}")]
            : [];

    /// <summary>The table's own triggers as CREATE TRIGGER statements (all but <paramref name="except"/>, the copy's).</summary>
    public static async Task<IReadOnlyList<SqlStatement>> TriggersAsync(IDbSession session, string table, string except, CancellationToken cancellationToken) =>
        (await session.QueryAsync("SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal AND tgname <> $2 ORDER BY tgname", [table, except], cancellationToken))
            .Select(r => new SqlStatement(r.GetString("definition")!))
            .ToList();

    /// <summary>The views over the table: statements that drop them, and statements that make them again as they were.</summary>
    public static async Task<(IReadOnlyList<SqlStatement> Drop, IReadOnlyList<SqlStatement> Create)> ViewsAsync(IDbSession session, string table, CancellationToken cancellationToken)
    {
        var views = await session.QueryAsync(
            """
            SELECT DISTINCT n.nspname AS view_schema, v.relname AS view_name, pg_get_viewdef(v.oid) AS definition, array_to_string(v.reloptions, ', ') AS options
            FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace n ON n.oid = v.relnamespace
            WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = to_regclass($1) AND v.oid <> to_regclass($1)
            ORDER BY 1, 2
            """,
            [table],
            cancellationToken);
        var drop = new List<SqlStatement>();
        var create = new List<SqlStatement>();
        foreach (var view in views)
        {
            var name = $"{PostgresSql.Identifier(view.GetString("view_schema")!)}.{PostgresSql.Identifier(view.GetString("view_name")!)}";
            drop.Add(new SqlStatement($"DROP VIEW {name}"));
            var options = view.GetString("options") is { Length: > 0 } o ? $" WITH ({o})" : "";
            create.Add(new SqlStatement($"CREATE VIEW {name}{options} AS {view.GetString("definition")!.TrimEnd().TrimEnd(';')}"));
            create.AddRange(await GrantsAsync(session, name, name, cancellationToken));
            create.AddRange(await CommentAsync(session, name, "VIEW", name, cancellationToken));
        }

        return (drop, create);
    }

    [GeneratedRegex(@"^[A-Z ]+$")]
    private static partial Regex PrivilegeWord();
}
