using Orchestrator.Processes;

namespace Orchestrator.Hosts.Local;

/// <summary>
/// The OS account local servers run as. PostgreSQL refuses to run as root, and neither
/// server should: when the tool runs as root, servers run as an unprivileged system user
/// (created when missing) that owns their data directories. Otherwise they run as the caller.
/// </summary>
internal sealed class ServiceUser
{
    private ServiceUser(string name, bool switchUser)
    {
        Name = name;
        SwitchUser = switchUser;
    }

    public string Name { get; }

    /// <summary>True when commands must be wrapped to run as <see cref="Name"/>.</summary>
    public bool SwitchUser { get; }

    public string? RunAs => SwitchUser ? Name : null;

    /// <summary>The tool itself runs as root (it can act as any account, and is root over a server's socket).</summary>
    public bool ToolIsRoot => Libc.IsRoot;

    /// <summary>The account servers run as inside a container (its image has it); nothing is switched on this machine.</summary>
    public static ServiceUser InContainer(string name) => new(name, switchUser: false);

    public static async Task<ServiceUser> ResolveAsync(string preferredName, CancellationToken cancellationToken)
    {
        if (!Libc.IsRoot)
        {
            return new ServiceUser(Environment.UserName, switchUser: false);
        }

        var id = await ProcessRunner.RunAsync(new ProcessSpec("id", ["-u", preferredName]), cancellationToken);
        if (id.ExitCode != 0)
        {
            await ProcessRunner.RunCheckedAsync(
                new ProcessSpec("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", preferredName]),
                cancellationToken);
        }

        return new ServiceUser(preferredName, switchUser: true);
    }

    /// <summary>Gives the service user a directory tree (no-op when not switching users).</summary>
    public async Task TakeOwnershipAsync(string path, CancellationToken cancellationToken)
    {
        if (SwitchUser)
        {
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("chown", ["-R", $"{Name}:", path]), cancellationToken);
        }
    }

    /// <summary>Fails clearly when the service user cannot reach <paramref name="directory"/> (a parent lacks +x).</summary>
    public async Task EnsureCanEnterAsync(string directory, CancellationToken cancellationToken)
    {
        if (!SwitchUser)
        {
            return;
        }

        var probe = await ProcessRunner.RunAsync(new ProcessSpec("test", ["-x", directory]) { RunAs = Name }, cancellationToken);
        if (probe.ExitCode != 0)
        {
            throw new LocalProviderException(
                $"the '{Name}' system user, which runs the servers, cannot enter {directory}: a parent directory is not searchable by other users. " +
                "Use --state-dir with a directory it can reach (for example under /var/tmp), or run 'chmod o+x' on the parents.");
        }
    }
}
