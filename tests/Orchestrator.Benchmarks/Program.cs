return await Orchestrator.Benchmarks.BenchmarkProgram.RunAsync(args);
