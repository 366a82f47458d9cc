using Orchestrator.Migrations.Lint;

namespace Orchestrator.Migrations.Running;

/// <summary>With --strict: the plan holds statements that are risky on a replicated primary, or names the server would shorten; nothing was applied.</summary>
internal sealed class ReplicationSafetyException(IReadOnlyList<LintWarning> warnings)
    : Exception("--strict refuses what the plan warns about (statements risky on a replicated primary, names the server would shorten):\n" + string.Join("\n", warnings.Select(w => $"  {w}")) + "\nNothing was applied.")
{
    public IReadOnlyList<LintWarning> Warnings { get; } = warnings;
}
