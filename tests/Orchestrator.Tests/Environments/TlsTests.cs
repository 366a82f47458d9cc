using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

/// <summary>Which tls modes each provider takes, and its default.</summary>
public sealed class TlsTests
{
    [Theory]
    [InlineData("local", "", nameof(TlsMode.VerifyFull))]
    [InlineData("docker", "", nameof(TlsMode.VerifyFull))]
    [InlineData("external", "", nameof(TlsMode.Prefer))]
    [InlineData("local", "tls: disable", nameof(TlsMode.Disable))]
    [InlineData("local", "tls: require", nameof(TlsMode.Require))]
    [InlineData("docker", "tls: verify-full", nameof(TlsMode.VerifyFull))]
    [InlineData("local", "tls: prefer", nameof(TlsMode.Prefer))]
    [InlineData("docker", "tls: prefer", nameof(TlsMode.Prefer))]
    [InlineData("external", "tls: require", nameof(TlsMode.Require))]
    [InlineData("external", "tls: verify-full", nameof(TlsMode.VerifyFull))]
    public void Each_provider_keeps_the_modes_its_servers_can_serve(string provider, string tls, string expectedName)
    {
        var expected = Enum.Parse<TlsMode>(expectedName);
        var env = TestEnvironments.FromYaml(
            $"""
            name: t
            engine: postgres
            provider: {provider}
            {tls}
            database: app
            credentials:
              admin: {"{"} user: admin_user, password: "${"{"}env:T_ADMIN{"}"}" {"}"}
            nodes:
              - {"{"} name: primary, role: primary, port: 5432 {"}"}
            """,
            name => name == "T_ADMIN" ? "s3cret" : null);

        Assert.Equal(expected, env.Primary.Tls);
    }
}
