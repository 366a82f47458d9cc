namespace Orchestrator.Migrations.Model;

/// <summary>The portable column types; each dialect maps them to its own SQL type.</summary>
public enum ColumnType
{
    Int16,
    Int32,
    Int64,
    String,
    FixedLengthString,
    AnsiString,
    Boolean,
    Decimal,
    Double,
    Float,
    Date,
    Time,
    DateTime,
    DateTime2,
    DateTimeOffset,
    Guid,
    Binary,
    Currency,
    Xml,
    Json,
    Jsonb,
    Custom,
}
