namespace Orchestrator.Migrations;

/// <summary>Server-side default values, as in FluentMigrator.</summary>
public enum SystemMethods
{
    CurrentDateTime,
    CurrentUTCDateTime,
    NewGuid,
}
