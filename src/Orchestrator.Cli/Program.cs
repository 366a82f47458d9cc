using Orchestrator.Cli;
using Orchestrator.Processes;
using Spectre.Console;

// The caller's PGPASSWORD, PGOPTIONS, MYSQL_PWD and the like must not reach the tool's sessions.
ClientEnvironment.IsolateThisProcess();

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
