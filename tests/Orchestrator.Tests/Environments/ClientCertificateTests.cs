using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

/// <summary><c>credentials.admin.certificate</c> and <c>.key</c>: a client certificate an external environment's admin presents.</summary>
public sealed class ClientCertificateTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void A_pair_given_by_reference_is_kept_by_path_and_makes_the_password_optional()
    {
        var env = Load("external", """admin: { user: cert_admin, certificate: "${file:client.crt}", key: "${file:client.key}" }""", Private);

        Assert.Equal("cert_admin", env.Admin.User);
        Assert.Null(env.Admin.Password);
        Assert.EndsWith("client.crt", env.Admin.Certificate!.CertificateFile, StringComparison.Ordinal);
        Assert.EndsWith("client.key", env.Admin.Certificate.KeyFile, StringComparison.Ordinal);
        Assert.True(Path.IsPathFullyQualified(env.Admin.Certificate.KeyFile));
    }

    [Theory]
    [InlineData("local", """admin: { user: a, certificate: "${file:client.crt}", key: "${file:client.key}" }""", "applies to external environments")]
    [InlineData("external", """admin: { user: a, certificate: "${file:client.crt}" }""", "needs both 'certificate' and 'key'")]
    [InlineData("external", """admin: { user: a, certificate: "${file:client.crt}", key: "${file:other.key}" }""", "are not a PEM certificate and its own private key")]
    [InlineData("external", """admin: { user: a, certificate: "${file:client.crt}", key: "${file:absent.key}" }""", "file 'absent.key' does not exist")]
    [InlineData("external", """admin: { user: a, certificate: client.crt, key: "${file:client.key}" }""", "names a PEM certificate by reference")]
    [InlineData("external", """{ admin: { user: a, password: "${file:client.crt}" }, replication: { user: r, certificate: "${file:client.crt}" } }""", "certificate")]
    public void A_bad_pair_is_bad_input_at_its_line(string provider, string credentials, string expected)
    {
        var error = Assert.Throws<InvalidEnvironmentException>(() => Load(provider, credentials, Private));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY-----\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_other_users_can_read_is_refused_as_libpq_would()
    {
        var error = Assert.Throws<InvalidEnvironmentException>(() => Load(
            "external", """admin: { user: a, certificate: "${file:client.crt}", key: "${file:client.key}" }""", Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead));

        Assert.Contains("can be read by other users; make it private (chmod 600)", error.Message, StringComparison.Ordinal);
    }

    private static EnvironmentDefinition Load(string provider, string credentials, UnixFileMode keyMode) => TestEnvironments.FromYaml(
        $"""
        name: t
        engine: postgres
        provider: {provider}
        database: app
        credentials:
          {(credentials.StartsWith('{') ? credentials[1..^1].Trim().Replace("}, replication", "}\n  replication", StringComparison.Ordinal) : credentials)}
        nodes:
          - {"{"} name: primary, role: primary, host: 127.0.0.1, port: 5432 {"}"}
        """,
        prepareDirectory: dir =>
        {
            WritePair(dir, "client", keyMode);
            WritePair(dir, "other", Private);
        });

    private static void WritePair(string dir, string name, UnixFileMode keyMode)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=cert_admin", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(dir, $"{name}.crt"), certificate.ExportCertificatePem());
        var keyFile = Path.Combine(dir, $"{name}.key");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyFile, keyMode);
    }
}
