using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Orchestrator.Migrations.Loading;

/// <summary>
/// The files a project's build depends on, hashed: every file of the project's folder and of the
/// projects it references (build output, hidden folders and node_modules left out), and the
/// MSBuild and NuGet files in the folders above them. Pure over the file system: no build is run.
/// </summary>
internal static class BuildInputs
{
    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules"];

    private static readonly string[] AncestorFiles =
        ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "nuget.config", "NuGet.Config"];

    public static string Hash(string project)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var projects = new HashSet<string>(StringComparer.Ordinal);
        Collect(Path.GetFullPath(project), files, projects);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
            try
            {
                hash.AppendData(File.ReadAllBytes(file));
            }
            catch (IOException)
            {
                // A file that vanished between listing and reading: its absence is the input.
            }
            catch (UnauthorizedAccessException)
            {
                // Unreadable here means unreadable to the build as well; its name still counts.
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Collect(string project, SortedSet<string> files, HashSet<string> projects)
    {
        if (!projects.Add(project) || !File.Exists(project))
        {
            return;
        }

        var folder = Path.GetDirectoryName(project)!;
        foreach (var file in FilesUnder(folder))
        {
            files.Add(file);
        }

        for (var dir = Directory.GetParent(folder); dir is not null; dir = dir.Parent)
        {
            foreach (var name in AncestorFiles)
            {
                var candidate = Path.Combine(dir.FullName, name);
                if (File.Exists(candidate))
                {
                    files.Add(candidate);
                }
            }
        }

        foreach (var reference in ProjectReferences(project))
        {
            Collect(Path.GetFullPath(Path.Combine(folder, reference.Replace('\\', '/'))), files, projects);
        }
    }

    private static IEnumerable<string> FilesUnder(string folder)
    {
        var pending = new Stack<string>([folder]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            foreach (var file in Directory.EnumerateFiles(current))
            {
                yield return file;
            }

            foreach (var sub in Directory.EnumerateDirectories(current))
            {
                var name = Path.GetFileName(sub);
                if (!name.StartsWith('.') && !SkippedFolders.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    pending.Push(sub);
                }
            }
        }
    }

    private static IEnumerable<string> ProjectReferences(string project)
    {
        try
        {
            return XDocument.Load(project).Descendants()
                .Where(e => e.Name.LocalName == "ProjectReference")
                .Select(e => e.Attribute("Include")?.Value)
                .OfType<string>()
                .ToList();
        }
        catch (System.Xml.XmlException)
        {
            // The build will say what is wrong with the file; its own bytes are already hashed.
            return [];
        }
    }
}
