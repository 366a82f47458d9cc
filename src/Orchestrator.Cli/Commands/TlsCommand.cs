using System.CommandLine;
using Orchestrator.Composition;
using Orchestrator.Progress;
using Orchestrator.Replication;
using Orchestrator.Topology;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator tls ca|rotate -e FILE</c>: the environment CA's certificate, for applications to trust; new server certificates.</summary>
internal static class TlsCommand
{
    public static Command Create(IAnsiConsole console) =>
        new("tls", "The TLS of the servers the tool runs: every connection to them, the replicas' included, is encrypted and verified against the environment's own CA unless the file says tls: disable.")
        {
            Ca(console),
            Rotate(console),
        };

    private static Command Ca(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var shard = CommonOptions.OneShard();
        var stateDir = CommonOptions.StateDir();
        var ca = new Command(
            "ca",
            "Print the certificate (PEM) of the CA that the tool made for a local or docker environment at its first 'up', and that signs its servers' certificates. " +
            "Applications trust it to connect with full verification: psql \"sslmode=verify-full sslrootcert=ca.crt\", mariadb --ssl-verify-server-cert --ssl-ca=ca.crt. " +
            "Only the certificate is printed, never a key. Exit 0 printed, 1 not brought up yet, 2 bad input (an external environment, tls: disable).")
        {
            environment,
            shard,
            stateDir,
        };
        ca.SetAction(async (parse, cancellationToken) =>
            await EnvironmentArgument.RunAsync(parse.GetValue(environment)!, console, env =>
            {
                var pem = EnvironmentCaCertificate.ReadPem(CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, SilentProgress.Instance));
                console.Profile.Out.Writer.Write(pem);
                return Task.FromResult(ExitCodes.Ok);
            },
            parse.GetValue(shard)));
        return ca;
    }

    private static Command Rotate(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var shard = CommonOptions.OneShard();
        var stateDir = CommonOptions.StateDir();
        var rotate = new Command(
            "rotate",
            "Give every node of a local or docker environment a new certificate (and key) from its CA, and make the running servers present it without a restart " +
            "(PostgreSQL reloads, MariaDB FLUSH SSL); then each replica connects to its source afresh, since a reload changes new handshakes only. " +
            "Clients that trust the CA ('tls ca') keep working. Exit 0 done, 1 failed, 2 bad input (an external environment, tls: disable).")
        {
            environment,
            shard,
            stateDir,
        };
        rotate.SetAction(async (parse, cancellationToken) =>
            await EnvironmentArgument.RunAsync(parse.GetValue(environment)!, console, async env =>
            {
                if (!env.RunsServers)
                {
                    throw new ExternalEnvironmentException(env);
                }

                var topology = new LocalTopology(CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, new ConsoleProgress(console)));
                var outcome = await topology.RotateCertificatesAsync(cancellationToken);
                foreach (var node in outcome.Nodes)
                {
                    console.MarkupLineInterpolated($"  {node.Node,-16} certificate {node.SerialNumber}, valid until {node.NotAfter:yyyy-MM-dd} UTC{(node.Running ? "" : " (presented at its next start)")}");
                }

                console.MarkupLineInterpolated($"[green]Rotated the certificates of {Counted.Of(outcome.Nodes.Count, "node")}[/] in {outcome.Elapsed.TotalSeconds:0.0}s; no server restarted.");
                return ExitCodes.Ok;
            },
            parse.GetValue(shard)));
        return rotate;
    }
}
