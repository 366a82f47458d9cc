using System.Security.Cryptography;
using System.Text.Json;
using Orchestrator.Environments;
using Orchestrator.Processes;

namespace Orchestrator.State;

/// <summary>
/// Resolves the passwords an environment uses. External environments give them by reference (the
/// admin password always, the replication password when a command needs it). A local or docker
/// environment may omit them: they are generated once and kept in the state directory's
/// secrets.json, readable only by its owner (0600).
/// </summary>
internal static class CredentialStore
{
    /// <summary>Whether the file gives both passwords, so that no state directory keeps any.</summary>
    public static bool GivesAllPasswords(EnvironmentDefinition environment) =>
        environment.Admin.Password is not null && environment.Replicator.Password is not null;

    public static EnvironmentCredentials Resolve(EnvironmentDefinition environment, StateLayout? state, bool create)
    {
        // Only an environment the tool runs has a state directory, and so generated passwords.
        var stored = state is not null && !GivesAllPasswords(environment) ? Load(state, create, environment) : null;
        Secret? Generated(string account) => stored is null ? null : new Secret(stored[account], $"generated, in {state!.SecretsFile}");

        var admin = environment.Admin.Password ?? Generated("admin")
            ?? (environment.Admin.Certificate is not null ? new Secret("", "none: the client certificate logs in") : null)
            ?? throw new MissingPasswordException($"environment '{environment.Name}' gives no admin password, which only a local or docker environment may leave out: add credentials.admin.password, as \"${{env:NAME}}\" or \"${{file:PATH}}\"");

        // Null for an external environment that gives none: what needs it asks RequiredReplicationPassword.
        var replication = environment.Replicator.Password ?? Generated("replication");
        Redactor.Register(admin);
        Redactor.Register(replication);
        return new EnvironmentCredentials(environment.Admin.User, admin, environment.Replicator.User, replication) { TrustedCaFile = TrustedCa(environment, state, create), AdminCertificate = environment.Admin.Certificate };
    }

    /// <summary>The environment CA's certificate for servers the tool runs with TLS (made on the first <c>up</c>).</summary>
    private static string? TrustedCa(EnvironmentDefinition environment, StateLayout? state, bool create)
    {
        if (state is null || environment.Tls == TlsMode.Disable)
        {
            return environment.TlsCaFile;
        }

        var ca = EnvironmentCa.In(state, environment.FleetName);
        if (create)
        {
            ca.Ensure();
        }

        return ca.CaFile;
    }

    private static Dictionary<string, string> Load(StateLayout state, bool create, EnvironmentDefinition environment)
    {
        if (File.Exists(state.SecretsFile))
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(state.SecretsFile))
                ?? throw new LocalProviderException($"{state.SecretsFile} is empty or damaged; run 'down --purge' and 'up' to start afresh");
        }

        if (!create)
        {
            var stateDir = state.Root == StateLayout.For(environment, null).Root ? "" : $" --state-dir {state.Root}";
            throw new LocalProviderException($"environment '{environment.Name}' has not been brought up in {state.Root} (no secrets.json); run 'orchestrator up -e {UserPath.Of(environment.FilePath)}{stateDir}' first");
        }

        var secrets = new Dictionary<string, string> { ["admin"] = Generate(), ["replication"] = Generate() };
        Directory.CreateDirectory(state.Root);
        using (var stream = OwnerOnlyFile.CreateNew(state.SecretsFile))
        {
            JsonSerializer.Serialize(stream, secrets);
        }

        return secrets;
    }

    private static string Generate() =>
        RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 32);
}
