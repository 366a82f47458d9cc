using Orchestrator.Environments;

namespace Orchestrator.Engines.Postgres;

/// <summary>Each replica streams from a physical slot of its source, named after the node.</summary>
internal static class PostgresSlotNames
{
    extension(NodeDefinition node)
    {
        /// <summary>The slot this node streams from; node names are a-z, 0-9 and '-', slot names may not hold '-'.</summary>
        public string SlotName => node.Name.Replace('-', '_');
    }
}
