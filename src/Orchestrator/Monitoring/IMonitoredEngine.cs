using Orchestrator.Servers;

namespace Orchestrator.Monitoring;

/// <summary>What stats, the live view and the exporter need from an engine beyond <see cref="IEngine"/>; every engine implements it.</summary>
internal interface IMonitoredEngine
{
    /// <summary>Table, index and server statistics.</summary>
    IStatsReader Stats { get; }
}

/// <summary>Lets code holding an <see cref="IEngine"/> reach its statistics without knowing the engine.</summary>
internal static class MonitoredEngineExtensions
{
    extension(IEngine engine)
    {
        public IStatsReader Stats => engine.Ability<IMonitoredEngine>().Stats;
    }
}
