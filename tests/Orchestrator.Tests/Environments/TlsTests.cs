using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

/// <summary>Which tls modes each provider takes (the refusals are in Invalid/tls-*.yaml).</summary>
public sealed class TlsTests
{
    [Theory]
    [InlineData("local", "disable", TlsMode.Disable)]
    [InlineData("local", "prefer", TlsMode.Prefer)]
    [InlineData("docker", "prefer", TlsMode.Prefer)]
    [InlineData("external", "require", TlsMode.Require)]
    [InlineData("external", "verify-full", TlsMode.VerifyFull)]
    public void Each_provider_keeps_the_modes_its_servers_can_serve(string provider, string tls, TlsMode expected)
    {
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
