using Orchestrator.Data;

namespace Orchestrator.Drift;

/// <summary>Reads the structure of the session's current database from the engine's catalog.</summary>
public interface ISchemaReader
{
    Task<SchemaShape> ReadAsync(IDbSession session, CancellationToken cancellationToken);
}
