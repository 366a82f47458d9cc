using System.Globalization;
using Orchestrator.Environments;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Embedding;

/// <summary>
/// An <see cref="EnvironmentSpec"/> as the environment file it stands for (<c>provider: external</c>),
/// loaded by the file's own rules. The password goes by reference, resolved from the spec, so it is
/// never written into the text.
/// </summary>
internal static class EnvironmentSpecYaml
{
    /// <summary>The reference the admin password is given by; its name shows in a message about the password.</summary>
    private const string AdminPassword = "EnvironmentSpec_Admin_Password";

    public static EnvironmentLoadResult Load(EnvironmentSpec spec)
    {
        var text = Write(spec);
        return EnvironmentLoader.LoadText(
            text,
            $"EnvironmentSpec '{spec.Name}'",
            Path.Combine(Directory.GetCurrentDirectory(), "EnvironmentSpec"),
            name => name == AdminPassword ? spec.Admin.Password : null);
    }

    /// <summary>The environment file's text (pure).</summary>
    public static string Write(EnvironmentSpec spec)
    {
        var nodes = new YamlSequenceNode();
        foreach (var node in spec.Nodes ?? [])
        {
            var map = new YamlMappingNode
            {
                { "name", Quoted(node.Name) },
                { "role", node.Source is null ? "primary" : "replica" },
                { "host", Quoted(node.Host) },
                { "port", node.Port.ToString(CultureInfo.InvariantCulture) },
            };
            if (node.Source is not null)
            {
                map.Add("source", Quoted(node.Source));
            }

            nodes.Add(map);
        }

        var root = new YamlMappingNode
        {
            { "name", Quoted(spec.Name) },
            { "engine", spec.Engine == DatabaseEngine.MariaDb ? "mariadb" : "postgres" },
            { "provider", "external" },
            { "database", Quoted(spec.Database) },
            { "tls", Tls(spec.Tls) },
            {
                "credentials", new YamlMappingNode
                {
                    { "admin", new YamlMappingNode { { "user", Quoted(spec.Admin?.User ?? "") }, { "password", Quoted($"${{env:{AdminPassword}}}") } } },
                }
            },
            { "replication", new YamlMappingNode { { "replay_timeout", $"{Math.Max(1, (long)Math.Ceiling(spec.ReplayTimeout.TotalMilliseconds))}ms" } } },
            { "nodes", nodes },
        };
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    private static string Tls(TlsPolicy tls) => tls switch
    {
        TlsPolicy.Disable => "disable",
        TlsPolicy.Require => "require",
        TlsPolicy.VerifyFull => "verify-full",
        _ => "prefer",
    };
}
