namespace Orchestrator.Environments;

/// <summary>
/// A password or other secret. It never prints itself: <see cref="ToString"/> is redacted so a
/// secret that ends up in a log line, an exception or JSON output shows as asterisks.
/// </summary>
internal sealed class Secret
{
    private readonly string _value;

    public Secret(string value, string origin)
    {
        _value = value;
        Origin = origin;
    }

    /// <summary>Where the value came from, such as <c>${env:ORCH_ADMIN_PASSWORD}</c>; safe to print.</summary>
    public string Origin { get; }

    public string Reveal() => _value;

    public override string ToString() => "******";
}
