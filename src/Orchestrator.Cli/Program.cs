using Orchestrator.Cli;

return await CliApp.RunAsync(args, Spectre.Console.AnsiConsole.Console, CancellationToken.None);
