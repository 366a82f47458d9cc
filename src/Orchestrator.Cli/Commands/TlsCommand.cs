using System.CommandLine;
using Orchestrator.Composition;
using Orchestrator.Progress;
using Orchestrator.Topology;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator tls ca -e FILE</c>: the environment CA's certificate, for applications to trust.</summary>
internal static class TlsCommand
{
    public static Command Create(IAnsiConsole console)
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
        return new Command("tls", "The TLS of the servers the tool runs: every connection to them, the replicas' included, is encrypted and verified against the environment's own CA unless the file says tls: disable.") { ca };
    }
}
