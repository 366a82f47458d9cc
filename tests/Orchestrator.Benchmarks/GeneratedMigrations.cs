using System.Text;
using Orchestrator.Migrations.Loading;
using Orchestrator.Processes;
using Orchestrator.Hosts;

namespace Orchestrator.Benchmarks;

/// <summary>Writes and builds a FluentMigrator project of N migrations, each a table, an index and a row.</summary>
internal static class GeneratedMigrations
{
    public static async Task<string> BuildAsync(string directory, int count)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "BenchMigrations.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup>
              <ItemGroup><PackageReference Include="FluentMigrator" Version="{MigrationAssemblyLoader.ToolFluentMigratorVersion.ToString(3)}" /></ItemGroup>
            </Project>
            """);
        var source = new StringBuilder("using FluentMigrator;\nnamespace Bench;\n");
        source.AppendLine("""
            public abstract class TableWithIndexAndRow(int n) : Migration
            {
                public override void Up()
                {
                    Create.Table($"t{n}").WithColumn("id").AsInt32().PrimaryKey().WithColumn("name").AsString(50).NotNullable();
                    Create.Index($"ix_t{n}_name").OnTable($"t{n}").OnColumn("name");
                    Insert.IntoTable($"t{n}").Row(new { id = 1, name = "row" });
                }

                public override void Down() => Delete.Table($"t{n}");
            }
            """);
        for (var i = 1; i <= count; i++)
        {
            source.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"[Migration({i})] public sealed class M{i}() : TableWithIndexAndRow({i});");
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "Migrations.cs"), source.ToString());
        await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", ["build", directory, "-c", "Release", "-nologo", "-v", "q"]), CancellationToken.None);
        return Path.Combine(directory, "bin", "Release", "net10.0", "BenchMigrations.dll");
    }
}
