return await Orchestrator.Chaos.ChaosProgram.RunAsync(args);
