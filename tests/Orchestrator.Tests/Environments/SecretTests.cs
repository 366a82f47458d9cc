using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

public sealed class SecretTests
{
    [Fact]
    public void Resolves_env_and_file_references_and_never_prints_them()
    {
        var env = TestEnvironments.FromYaml(
            """
            name: t
            engine: postgres
            database: app
            credentials:
              admin: { user: admin_user, password: "${env:T_ADMIN}" }
              replication: { user: repl_user, password: "${file:repl.txt}" }
            nodes:
              - { name: primary, role: primary, port: 5432 }
            """,
            name => name == "T_ADMIN" ? "s3cret-from-env" : null,
            dir => File.WriteAllText(Path.Combine(dir, "repl.txt"), "s3cret-from-file\n"));

        Assert.Equal("s3cret-from-env", env.Admin.Password!.Reveal());
        Assert.Equal("s3cret-from-file", env.Replicator.Password!.Reveal());
        Assert.Equal("${file:repl.txt}", env.Replicator.Password.Origin);
        var printed = $"{env} {env.Admin} {env.Replicator}";
        Assert.DoesNotContain("s3cret", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_access_to_the_node_hosts_when_not_given()
    {
        var env = TestEnvironments.FromYaml("""
            name: t
            engine: mariadb
            database: app
            nodes:
              - { name: primary, role: primary, host: 127.0.0.1, port: 3306 }
              - { name: replica, role: replica, source: primary, host: 127.0.0.3, port: 3306 }
            """);

        Assert.Equal(["127.0.0.1/32", "127.0.0.3/32"], env.Allow.Select(c => c.ToString()));
    }

    [Theory]
    [InlineData("pw-from-echo\n")]
    [InlineData("pw-from-windows\r\n")]
    [InlineData("pw-without-newline")]
    public void A_secret_files_single_final_newline_is_not_part_of_the_secret(string content)
    {
        var env = TestEnvironments.FromYaml(
            """
            name: t
            engine: postgres
            database: app
            credentials:
              admin: { user: admin_user, password: "${file:admin.txt}" }
            nodes:
              - { name: primary, role: primary, port: 5432 }
            """,
            prepareDirectory: dir => File.WriteAllText(Path.Combine(dir, "admin.txt"), content));

        Assert.Equal(content.TrimEnd('\r', '\n'), env.Admin.Password!.Reveal());
    }

    [Theory]
    [InlineData("first\nsecond", "a line break")]
    [InlineData("ends-in-cr\r", "a carriage return")]
    [InlineData("bell\a", "the control character U+0007")]
    public void An_env_secret_with_a_control_character_is_refused_at_its_line_without_echoing_it(string value, string what)
    {
        var dir = Directory.CreateTempSubdirectory("orch-env-").FullName;
        try
        {
            var file = Path.Combine(dir, "env.yaml");
            File.WriteAllText(file, """
                name: t
                engine: mariadb
                database: app
                credentials:
                  admin: { user: admin_user, password: "${env:T_ADMIN}" }
                nodes:
                  - { name: primary, role: primary, port: 3306 }
                """);

            var result = EnvironmentLoader.Load(file, name => name == "T_ADMIN" ? value : null);

            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal((5, 40), (diagnostic.Location.Line, diagnostic.Location.Column));
            Assert.StartsWith($"${{env:T_ADMIN}}: environment variable 'T_ADMIN' holds {what}; ", diagnostic.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(value, diagnostic.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_secret_longer_than_any_password_is_refused()
    {
        var error = Assert.Throws<InvalidEnvironmentException>(() => TestEnvironments.FromYaml(
            """
            name: t
            engine: postgres
            database: app
            credentials:
              admin: { user: admin_user, password: "${env:T_ADMIN}" }
            nodes:
              - { name: primary, role: primary, port: 5432 }
            """,
            name => name == "T_ADMIN" ? new string('x', 1025) : null));

        Assert.Contains("holds 1025 characters; a password is one line of at most 1024", error.Message, StringComparison.Ordinal);
    }
}
