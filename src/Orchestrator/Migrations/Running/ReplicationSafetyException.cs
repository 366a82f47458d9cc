using Orchestrator.Migrations.Lint;

namespace Orchestrator.Migrations.Running;

/// <summary>With --strict: the plan holds statements that are risky on a replicated primary; nothing was applied.</summary>
public sealed class ReplicationSafetyException(IReadOnlyList<LintWarning> warnings)
    : Exception("--strict refuses statements that are risky on a replicated primary:\n" + string.Join("\n", warnings.Select(w => $"  {w}")) + "\nNothing was applied.")
{
    public IReadOnlyList<LintWarning> Warnings { get; } = warnings;
}
