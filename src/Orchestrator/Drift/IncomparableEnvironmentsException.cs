namespace Orchestrator.Drift;

/// <summary>The environments given to drift cannot be compared (bad input).</summary>
public sealed class IncomparableEnvironmentsException(string message) : Exception(message);
