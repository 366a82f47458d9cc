using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Execute.Sql("...")</c>, <c>Execute.Script("file.sql")</c>, <c>Execute.EmbeddedScript("name.sql")</c></summary>
public sealed class ExecuteRoot
{
    private readonly ExpressionSink _sink;

    internal ExecuteRoot(ExpressionSink sink) => _sink = sink;

    public void Sql(string sql) => _sink.Add(new ExecuteSqlExpression(sql, "Execute.Sql(...)"));

    /// <summary>A SQL file, relative to the migrations assembly's folder (or the current directory).</summary>
    public void Script(string path) => _sink.Add(new ExecuteSqlExpression(_sink.Sources.ReadScript(path), $"Execute.Script(\"{path}\")"));

    /// <summary>An embedded resource of the migrations assembly, by full name or its ending.</summary>
    public void EmbeddedScript(string name) => _sink.Add(new ExecuteSqlExpression(_sink.Sources.ReadEmbeddedScript(name), $"Execute.EmbeddedScript(\"{name}\")"));
}
