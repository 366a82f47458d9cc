using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

/// <summary>Which tls modes each provider takes (the refusals are in Invalid/tls-*.yaml).</summary>
public sealed class TlsTests
{
    [Theory]
    [InlineData("local", "disable", nameof(TlsMode.Disable))]
    [InlineData("local", "prefer", nameof(TlsMode.Prefer))]
    [InlineData("docker", "prefer", nameof(TlsMode.Prefer))]
    [InlineData("external", "require", nameof(TlsMode.Require))]
    [InlineData("external", "verify-full", nameof(TlsMode.VerifyFull))]
    public void Each_provider_keeps_the_modes_its_servers_can_serve(string provider, string tls, string expectedName)
    {
        var expected = Enum.Parse<TlsMode>(expectedName);
        var env = TestEnvironments.FromYaml(
            $"""
            name: t
            engine: postgres
            provider: {provider}
            tls: {tls}
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
