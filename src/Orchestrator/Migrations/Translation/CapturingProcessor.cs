using System.Data;
using System.Data.Common;
using System.Globalization;
using FluentMigrator;
using FluentMigrator.Expressions;

namespace Orchestrator.Migrations.Translation;

/// <summary>
/// FluentMigrator's processor interface, implemented to capture instead of execute: each
/// expression becomes SQL through the engine's FluentMigrator generator, raw SQL and scripts are
/// kept as written, and <c>Execute.WithConnection</c> becomes a code step. It also serves as the
/// migration context's schema: IfDatabase asks it for the database's names (all the names a user
/// would write for the engine), and schema questions and reads are answered from the live
/// database, noting that the result depended on it.
/// </summary>
internal sealed class CapturingProcessor(MigrationSyntax syntax, DbConnection connection) : IMigrationProcessor
{
    private readonly List<MigrationStep> _steps = [];
    private readonly ISchemaQuestions _schema = syntax.Dialect.SchemaQuestions(connection);

    public IReadOnlyList<MigrationStep> Steps => _steps;

    /// <summary>True once a schema question or a read was answered from the database.</summary>
    public bool ReadDatabase { get; private set; }

    public string DatabaseType => syntax.DatabaseType;

    public IList<string> DatabaseTypeAliases => [.. syntax.Dialect.DatabaseNames];

    public bool SchemaExists(string schemaName) => Asked(_schema.SchemaExists(Schema(schemaName)));

    public bool TableExists(string schemaName, string tableName) => Asked(_schema.TableExists(Schema(schemaName), tableName));

    public bool ColumnExists(string schemaName, string tableName, string columnName) => Asked(_schema.ColumnExists(Schema(schemaName), tableName, columnName));

    public bool ConstraintExists(string schemaName, string tableName, string constraintName) => Asked(_schema.ConstraintExists(Schema(schemaName), tableName, constraintName));

    public bool IndexExists(string schemaName, string tableName, string indexName) => Asked(_schema.IndexExists(Schema(schemaName), tableName, indexName));

    public bool SequenceExists(string schemaName, string sequenceName) => Asked(_schema.SequenceExists(Schema(schemaName), sequenceName));

    public bool DefaultValueExists(string schemaName, string tableName, string columnName, object defaultValue) =>
        Asked(_schema.DefaultValueExists(Schema(schemaName), tableName, columnName, defaultValue));

    public void Execute(string sql) => AddSql(sql);

    /// <summary>As FluentMigrator's processors do: the template is formatted with the arguments.</summary>
    public void Execute(string template, params object[] args) => AddSql(string.Format(CultureInfo.InvariantCulture, template, args));

    public DataSet ReadTableData(string schemaName, string tableName) =>
        Read($"SELECT * FROM {syntax.Generator.Quoter.QuoteTableName(tableName, schemaName)}");

    public DataSet Read(string template, params object[] args)
    {
        ReadDatabase = true;
        using var command = connection.CreateCommand();
        command.CommandText = string.Format(CultureInfo.InvariantCulture, template, args);
        using var reader = command.ExecuteReader();
        var data = new DataSet { Locale = CultureInfo.InvariantCulture };
        var table = new DataTable { Locale = CultureInfo.InvariantCulture };
        table.Load(reader);
        data.Tables.Add(table);
        return data;
    }

    public bool Exists(string template, params object[] args) => Read(template, args).Tables[0].Rows.Count > 0;

    public void BeginTransaction() => throw TransactionsAreTheRunners();

    public void CommitTransaction() => throw TransactionsAreTheRunners();

    public void RollbackTransaction() => throw TransactionsAreTheRunners();

    public void Process(PerformDBOperationExpression expression) => _steps.Add(new CodeStep(expression));

    public void Process(CreateSchemaExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(DeleteSchemaExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(AlterTableExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(AlterColumnExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(CreateTableExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(CreateColumnExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(DeleteTableExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(DeleteColumnExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(CreateForeignKeyExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(DeleteForeignKeyExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(CreateIndexExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(DeleteIndexExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(RenameTableExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(RenameColumnExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(InsertDataExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(AlterDefaultConstraintExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(DeleteDataExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(UpdateDataExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(AlterSchemaExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(CreateSequenceExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(DeleteSequenceExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(CreateConstraintExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(DeleteConstraintExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Process(DeleteDefaultConstraintExpression expression) => AddSql(syntax.Generator.Generate(expression));

    public void Dispose()
    {
    }

    /// <summary>Generators return an empty string for what the engine does not need (or, leniently, cannot do).</summary>
    private void AddSql(string sql)
    {
        foreach (var statement in syntax.Dialect.SplitStatements(sql))
        {
            if (!string.IsNullOrWhiteSpace(statement))
            {
                _steps.Add(new SqlStep(statement));
            }
        }
    }

    private bool Asked(bool answer)
    {
        ReadDatabase = true;
        return answer;
    }

    private static string? Schema(string? name) => string.IsNullOrEmpty(name) ? null : name;

    private static InvalidOperationException TransactionsAreTheRunners() =>
        new("a migration cannot begin, commit or roll back transactions through the processor: the runner gives each migration its transaction (declare TransactionBehavior.None to run without one)");
}
