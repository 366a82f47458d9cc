namespace Orchestrator.Cli;

/// <summary>The process exit codes every command uses.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The operation was attempted and failed (a server error, a node that did not come up).</summary>
    public const int Failed = 1;

    /// <summary>The input was wrong (bad arguments, an invalid environment file); nothing was done.</summary>
    public const int BadInput = 2;
}
