using Orchestrator.Data;

namespace Orchestrator.Drift;

/// <summary>Reads the structure of the session's current database from the engine's catalog.</summary>
internal interface ISchemaReader
{
    Task<SchemaShape> ReadAsync(IDbSession session, CancellationToken cancellationToken);

    /// <summary>The structure on terms every engine shares (see <see cref="PortableSchema"/>), for a comparison with another engine.</summary>
    Task<SchemaShape> ReadPortableAsync(IDbSession session, CancellationToken cancellationToken);
}
