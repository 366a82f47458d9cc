namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// MariaDB's version as a person reads it. Over the wire MariaDB prefixes it with "5.5.5-" (so
/// that old MySQL clients accept it); @@version has no prefix.
/// </summary>
internal static class MariaDbVersion
{
    private const string WireCompatibilityPrefix = "5.5.5-";

    public static string Parse(string reported) =>
        reported.StartsWith(WireCompatibilityPrefix, StringComparison.Ordinal) ? reported[WireCompatibilityPrefix.Length..] : reported;
}
