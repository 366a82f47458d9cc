using System.Data;
using FluentMigrator.Runner.Generators.MySql;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// FluentMigrator's MySQL 8 type map with Unicode text that holds any character: its NVARCHAR,
/// NCHAR and "CHARACTER SET utf8" mean utf8mb3 on MariaDB, which refuses emoji (error 1366).
/// Text columns inherit the database's character set and collation when that is utf8mb4, and
/// name utf8mb4 otherwise. The sizes are FluentMigrator's own, so the same migration picks the
/// same kind of column as under FluentMigrator's runner.
/// </summary>
internal sealed class Utf8mb4TypeMap : MySql8TypeMap
{
    public Utf8mb4TypeMap(bool databaseIsUtf8mb4)
    {
        var charset = databaseIsUtf8mb4 ? "" : " CHARACTER SET utf8mb4";

        // The base constructor already ran SetupMySqlTypeMaps; lay the Unicode types over it.
        SetTypeMap(DbType.String, $"VARCHAR(255){charset}");
        SetTypeMap(DbType.String, $"VARCHAR($size){charset}", 8192);
        SetTypeMap(DbType.String, $"TEXT{charset}", 65535);
        SetTypeMap(DbType.String, $"MEDIUMTEXT{charset}", 16777215);
        SetTypeMap(DbType.String, $"LONGTEXT{charset}", int.MaxValue);
        SetTypeMap(DbType.StringFixedLength, $"CHAR(255){charset}");
        SetTypeMap(DbType.StringFixedLength, $"CHAR($size){charset}", 255);
        SetTypeMap(DbType.StringFixedLength, $"TEXT{charset}", 65535);
        SetTypeMap(DbType.StringFixedLength, $"MEDIUMTEXT{charset}", 16777215);
        SetTypeMap(DbType.StringFixedLength, $"LONGTEXT{charset}", int.MaxValue);
    }
}
