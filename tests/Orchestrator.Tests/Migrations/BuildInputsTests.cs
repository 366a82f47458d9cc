using Orchestrator.Migrations.Loading;

namespace Orchestrator.Tests.Migrations;

public sealed class BuildInputsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("orch-build-inputs-").FullName;

    [Fact]
    public void The_hash_changes_with_sources_and_referenced_projects_but_not_with_build_output()
    {
        var project = Write("App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><ProjectReference Include=\"../Lib/Lib.csproj\" /></ItemGroup></Project>");
        Write("App/M1.cs", "class M1 {}");
        Write("Lib/Lib.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        Write("Lib/Shared.cs", "class Shared {}");
        var first = BuildInputs.Hash(project);

        Write("App/bin/Release/App.dll", "binary");
        Write("App/obj/orchestrator-build.json", "{}");
        Assert.Equal(first, BuildInputs.Hash(project));

        Write("Lib/Shared.cs", "class Shared { int x; }");
        var afterLibrary = BuildInputs.Hash(project);
        Assert.NotEqual(first, afterLibrary);

        Write("Directory.Packages.props", "<Project />");
        Assert.NotEqual(afterLibrary, BuildInputs.Hash(project));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
