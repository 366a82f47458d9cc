namespace Orchestrator.Servers;

/// <summary>How a concern reaches what it owns the interface of: the engine implements it.</summary>
internal static class EngineAbilities
{
    /// <summary>The engine as <typeparamref name="T"/>, a concern's interface every engine registered implements.</summary>
    public static T Ability<T>(this IEngine engine) where T : class =>
        engine as T ?? throw new InvalidOperationException($"{engine.GetType().Name} does not implement {typeof(T).Name}");
}
