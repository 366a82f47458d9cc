namespace Orchestrator.Drift;

/// <summary>The environments given to drift cannot be compared (bad input).</summary>
internal sealed class IncomparableEnvironmentsException(string message) : Exception(message);
