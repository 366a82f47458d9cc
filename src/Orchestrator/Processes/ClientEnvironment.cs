namespace Orchestrator.Processes;

/// <summary>
/// The database clients' settings come from the tool, never from the caller's shell: a
/// <c>PGPASSWORD</c> or <c>PGOPTIONS</c> exported for other work would otherwise win over the
/// password file the tool sets (and fail a rebuild after it removed a replica's data), or
/// change what the tool's own sessions do. libpq, Npgsql and the MariaDB clients all read such
/// variables and per-user files.
/// </summary>
internal static class ClientEnvironment
{
    /// <summary>Names no file: the clients' look-ups of password and service files find nothing.</summary>
    public const string NoFile = "/nonexistent/orchestrator-ignores-client-files";

    private static readonly string[] Prefixes = ["PG", "MYSQL", "MARIADB", "LIBMYSQL_"];

    /// <summary>Whether <paramref name="name"/> is a variable that changes what a database client does.</summary>
    public static bool IsClientSetting(string name) =>
        name == "PSQLRC" || Prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    /// <summary>
    /// Removes the caller's client settings from <paramref name="environment"/> (a child program's
    /// environment), and points libpq's per-user files at nothing; a program's own settings
    /// (its password file, say) are applied after this.
    /// </summary>
    public static void Isolate(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.Where(IsClientSetting).ToList())
        {
            environment.Remove(name);
        }

        environment["PGPASSFILE"] = NoFile;
        environment["PGSERVICEFILE"] = NoFile;
        environment["PGSYSCONFDIR"] = NoFile;
    }

    /// <summary>
    /// Removes the caller's client settings from this process, for the sessions it opens itself
    /// (Npgsql reads PGOPTIONS, PGPASSWORD, PGSSLMODE, PGTZ and others when the connection string
    /// is silent). Called once by a program's entry point, before any session opens.
    /// </summary>
    public static void IsolateThisProcess()
    {
        foreach (var name in System.Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(IsClientSetting))
        {
            System.Environment.SetEnvironmentVariable(name, null);
        }

        System.Environment.SetEnvironmentVariable("PGPASSFILE", NoFile);
    }
}
