using System.CommandLine;
using Orchestrator.Composition;
using Orchestrator.Environments;
using Orchestrator.Progress;
using Orchestrator.Replication;
using Orchestrator.State;
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
            "The shards of a sharded environment share one CA, so --shard is not needed. Only the certificate is printed, never a key. Exit 0 printed, 1 not brought up yet, 2 bad input (an external environment, tls: disable).")
        {
            environment,
            shard,
            stateDir,
        };
        ca.SetAction(async (parse, cancellationToken) =>
        {
            if (EnvironmentArgument.Load(parse.GetValue(environment)!, console) is not { } loaded)
            {
                return ExitCodes.BadInput;
            }

            // The shards of an environment share one CA: any shard's state leads to it.
            var shards = parse.GetValue(shard) is { Length: > 0 } named ? named : loaded.IsSharded ? [loaded.Shards[0].Name] : [];
            return await EnvironmentArgument.RunAsync(loaded, console, env =>
            {
                var pem = EnvironmentCaCertificate.ReadPem(CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, SilentProgress.Instance));
                console.Profile.Out.Writer.Write(pem);
                return Task.FromResult(ExitCodes.Ok);
            },
            shards);
        });
        return ca;
    }

    private static Command Rotate(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var shard = CommonOptions.OneShard();
        var stateDir = CommonOptions.StateDir();
        var newCa = new Option<bool>("--ca")
        {
            Description = "Also replace the CA: a new one is trusted beside the old one on every node first, then every node gets a certificate from it, and then the old CA is dropped. " +
                "Applications that trust the old CA alone are refused once their node presents its new certificate: give them the pair first (--stage, then 'tls ca').",
        };
        var stage = new Option<bool>("--stage")
        {
            Description = "With --ca: stop after the first step, with the new CA trusted beside the old one everywhere and every node still presenting its old certificate. " +
                "'tls ca' then prints both, for applications to trust; 'tls rotate --ca' later finishes with that CA.",
        };
        var rotate = new Command(
            "rotate",
            "Give every node of a local or docker environment a new certificate (and key) from its CA, and make the running servers present it without a restart " +
            "(PostgreSQL reloads, MariaDB FLUSH LOCAL SSL); then each replica connects to its source afresh, since a reload changes new handshakes only. " +
            "Clients that trust the CA ('tls ca') keep working. On a sharded environment, name the shard with --shard; --ca moves every shard together (they share one CA) and takes no --shard. " +
            "Exit 0 done, 1 failed, 2 bad input (an external environment, tls: disable, --stage without --ca).")
        {
            environment,
            shard,
            stateDir,
            newCa,
            stage,
        };
        rotate.SetAction(async (parse, cancellationToken) =>
        {
            if (EnvironmentArgument.Load(parse.GetValue(environment)!, console) is not { } loaded)
            {
                return ExitCodes.BadInput;
            }

            var rotation = !parse.GetValue(newCa) ? CaRotation.KeepCa : parse.GetValue(stage) ? CaRotation.StageNewCa : CaRotation.NewCa;
            if (parse.GetValue(stage) && rotation == CaRotation.KeepCa)
            {
                console.Error("--stage is a step of a CA rotation: give it with --ca");
                return ExitCodes.BadInput;
            }

            if (loaded.IsSharded && rotation != CaRotation.KeepCa)
            {
                if (parse.GetValue(shard) is { Length: > 0 } named)
                {
                    console.Error($"--ca replaces the CA that every shard of '{loaded.Name}' shares, so it moves every shard; leave out --shard {string.Join(", ", named)}");
                    return ExitCodes.BadInput;
                }

                return await OperationErrors.RunAsync(console, async () =>
                {
                    RefuseExternal(loaded);
                    var progress = new ConsoleProgress(console);
                    var shards = loaded.Shards
                        .Select(s => (s.Name, new LocalTopology(CompositionRoot.Open(loaded.Shard(s.Name), parse.GetValue(stateDir)?.FullName, new ShardProgress(progress, s.Name)))))
                        .ToList();
                    return Report(console, rotation, await FleetCaRotation.RunAsync(shards, rotation == CaRotation.StageNewCa, cancellationToken), $"every node of {Counted.Of(shards.Count, "shard")}");
                });
            }

            return await EnvironmentArgument.RunAsync(loaded, console, async env =>
            {
                RefuseExternal(env);
                var topology = new LocalTopology(CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, new ConsoleProgress(console)));
                return Report(console, rotation, await topology.RotateCertificatesAsync(rotation, cancellationToken), "every node");
            },
            parse.GetValue(shard));
        });
        return rotate;
    }

    private static void RefuseExternal(EnvironmentDefinition environment)
    {
        if (!environment.RunsServers)
        {
            throw new ExternalEnvironmentException(environment);
        }
    }

    private static int Report(IAnsiConsole console, CaRotation rotation, CertificateRotationOutcome outcome, string where)
    {
        foreach (var node in outcome.Nodes)
        {
            console.MarkupLineInterpolated($"  {node.Node,-16} certificate {node.SerialNumber}, valid until {node.NotAfter:yyyy-MM-dd} UTC{(node.Running ? "" : " (presented at its next start)")}");
        }

        if (rotation == CaRotation.StageNewCa)
        {
            console.MarkupLineInterpolated($"[green]New CA {outcome.NewCaSerial} is trusted beside the old one on {where}[/] in {outcome.Elapsed.TotalSeconds:0.0}s; the nodes still present their old certificates.");
            console.MarkupLineInterpolated($"Give applications both CAs ('orchestrator tls ca' prints them), then run 'orchestrator tls rotate --ca' to finish.");
            return ExitCodes.Ok;
        }

        var caLine = outcome.NewCaSerial is { } serial ? $" from the new CA {serial}, the only one trusted now" : "";
        console.MarkupLineInterpolated($"[green]Rotated the certificates of {Counted.Of(outcome.Nodes.Count, "node")}[/]{caLine} in {outcome.Elapsed.TotalSeconds:0.0}s; no server restarted.");
        return ExitCodes.Ok;
    }
}
