using Orchestrator.Cli;
using Orchestrator.Processes;
using Spectre.Console;

// The caller's PGPASSWORD, PGOPTIONS, MYSQL_PWD and the like must not reach the tool's sessions.
ClientEnvironment.IsolateThisProcess();

// Most commands connect over TLS: the certificate machinery loads on the other core while the
// command line and the environment file are read, not in front of the first session.
Orchestrator.Data.TlsWarmUp.Start();

// Piped or redirected output (scripts, CI logs) gets plain text at a width that keeps tables on one line.
var output = Console.IsOutputRedirected ? PlainConsole.Create(Console.Out) : AnsiConsole.Console;
var errors = Console.IsErrorRedirected
    ? PlainConsole.Create(Console.Error)
    : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
var console = new CliConsole(output, errors);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await CliApp.RunAsync(args, console, cancel.Token);
