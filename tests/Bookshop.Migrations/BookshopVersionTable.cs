using FluentMigrator.Runner.VersionTableInfo;

namespace Bookshop.Migrations;

/// <summary>The team keeps its version table in a schema of its own, under its own names.</summary>
public sealed class BookshopVersionTable : IVersionTableMetaData
{
    public bool OwnsSchema => true;

    public string SchemaName => "meta";

    public string TableName => "schema_versions";

    public string ColumnName => "version";

    public string DescriptionColumnName => "description";

    public string UniqueIndexName => "uc_schema_versions_version";

    public string AppliedOnColumnName => "applied_on";

    public bool CreateWithPrimaryKey => false;
}
