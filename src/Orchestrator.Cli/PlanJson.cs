using System.Text.Json;
using System.Text.Json.Serialization;
using FluentMigrator;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Cli;

/// <summary>
/// The JSON shape of <c>plan --json</c> (documented in the README): every pending migration with
/// its statements and what each costs, its online form, and the plan's warnings. Field names only
/// ever grow; nulls are written, not omitted.
/// </summary>
internal static class PlanJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,

        // SQL reads as written: quotes and backticks stay themselves.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Render(EnvironmentDefinition environment, MigrationTarget target, MigrationPlan plan) => JsonSerializer.Serialize(
        new
        {
            environment = environment.Name,
            node = target.Node.Name,
            database = environment.Database,
            applied = plan.Applied.Count,
            pending = plan.Steps.Select(step => new
            {
                version = step.Migration.Version,
                name = step.Migration.Type.Name,
                description = step.Migration.Description,
                outOfOrder = step.OutOfOrder,
                breakingChange = step.Migration.IsBreakingChange,
                transaction = step.Migration.TransactionBehavior == TransactionBehavior.Default,
                preparedAtItsTurn = step.Translated.PreparedAtItsTurnBecause,
                online = step.Translated.OnlineChanges.Select(c => new { note = c.Note, applied = c.Applied }),
                statements = step.Steps.Select((s, i) => new { sql = s.Text, cost = Cost(i < step.Translated.Costs.Count ? step.Translated.Costs[i] : null) }),
                afterTransaction = step.Translated.After.Select(s => new { sql = s.Sql, cost = Cost(s.Cost) }),
            }),
            recurring = plan.Recurring.Select(r => r.Migration.Name),
            warnings = plan.Warnings.Select(w => new { migration = w.Migration.Name, problem = w.Problem, saferForm = w.SaferForm }),
            changedSinceApplied = plan.ChangedSinceApplied.Select(m => m.Name),
        },
        Options);

    private static object? Cost(StatementCost? cost) => cost is null
        ? null
        : new { lockMode = cost.Lock, span = cost.Span, blocksWrites = cost.BlocksWrites, copiesTable = cost.CopiesTable, unless = cost.Unless, text = cost.ToString() };
}
