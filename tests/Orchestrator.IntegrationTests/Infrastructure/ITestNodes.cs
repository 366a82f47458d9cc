using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>The nodes of an environment a test started (locally or in containers), as clients reach them.</summary>
internal interface ITestNodes
{
    EngineKind Engine { get; }

    EnvironmentDefinition Environment { get; }

    Task<IDbSession> ConnectAsync(string node, string? database = "app");
}
