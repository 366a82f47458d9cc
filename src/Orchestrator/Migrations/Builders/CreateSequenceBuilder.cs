using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Create.Sequence("s").InSchema("x").StartWith(1).IncrementBy(1).MinValue(1).MaxValue(1000).Cache(10).Cycle()</c></summary>
public sealed class CreateSequenceBuilder : ExpressionBuilder<CreateSequenceExpression>
{
    internal CreateSequenceBuilder(ExpressionSink sink, string name)
        : base(sink, new CreateSequenceExpression(new SequenceDefinition(name)))
    {
    }

    private SequenceDefinition Sequence => Expression.Sequence;

    public CreateSequenceBuilder InSchema(string schema) => Set(s => s.Schema = schema);

    public CreateSequenceBuilder StartWith(long value) => Set(s => s.StartWith = value);

    public CreateSequenceBuilder IncrementBy(long value) => Set(s => s.IncrementBy = value);

    public CreateSequenceBuilder MinValue(long value) => Set(s => s.MinValue = value);

    public CreateSequenceBuilder MaxValue(long value) => Set(s => s.MaxValue = value);

    public CreateSequenceBuilder Cache(long value) => Set(s => s.Cache = value);

    public CreateSequenceBuilder Cycle() => Set(s => s.Cycle = true);

    private CreateSequenceBuilder Set(Action<SequenceDefinition> change)
    {
        change(Sequence);
        return this;
    }
}
