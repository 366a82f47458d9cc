using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

/// <summary>
/// Every file under Invalid/ ends with the diagnostics it must produce, one
/// <c># expect: LINE:COL: message</c> line each; the loader must report exactly those.
/// </summary>
public sealed class InvalidEnvironmentFileTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Environments", "Invalid");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void There_are_at_least_25_broken_files() => Assert.True(Files().Count >= 25, $"only {Files().Count} files in {Folder}");

    [Theory]
    [MemberData(nameof(Files))]
    public void Reports_exactly_the_expected_diagnostics(string file)
    {
        var path = Path.Combine(Folder, file);
        var expected = File.ReadAllLines(path)
            .Where(l => l.StartsWith("# expect: ", StringComparison.Ordinal))
            .Select(l => l["# expect: ".Length..])
            .ToList();
        Assert.NotEmpty(expected);

        var result = EnvironmentLoader.Load(path, _ => null);

        Assert.False(result.Succeeded);
        Assert.Null(result.Environment);
        var actual = result.Diagnostics.Select(d => $"{d.Location.Line}:{d.Location.Column}: {d.Message}").ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        Assert.All(result.Diagnostics, d => Assert.EndsWith(file, d.Location.File, StringComparison.Ordinal));
    }
}
