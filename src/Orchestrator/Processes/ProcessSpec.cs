namespace Orchestrator.Processes;

/// <summary>
/// A program to run: arguments are passed as a list, never through a shell, so nothing in
/// them is interpreted. <see cref="RunAs"/> switches to another OS user (root only).
/// </summary>
internal sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    public string? RunAs { get; init; }

    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    public string Display => $"{Path.GetFileName(FileName)} {string.Join(' ', Arguments)}".TrimEnd();
}
