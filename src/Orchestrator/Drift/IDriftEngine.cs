using Orchestrator.Servers;

namespace Orchestrator.Drift;

/// <summary>What drift detection needs from an engine beyond <see cref="IEngine"/>; every engine implements it.</summary>
internal interface IDriftEngine
{
    /// <summary>Reads a database's structure from this engine's catalog.</summary>
    ISchemaReader SchemaReader { get; }

    /// <summary>A portable shape as this engine can hold it (a cross-engine comparison compares what both keep); most engines keep it whole.</summary>
    SchemaShape AsItCanHold(SchemaShape portable) => portable;
}

/// <summary>Lets code holding an <see cref="IEngine"/> reach its schema reader without knowing the engine.</summary>
internal static class DriftEngineExtensions
{
    extension(IEngine engine)
    {
        public ISchemaReader SchemaReader => engine.Ability<IDriftEngine>().SchemaReader;

        public SchemaShape AsItCanHold(SchemaShape portable) => engine.Ability<IDriftEngine>().AsItCanHold(portable);
    }
}
