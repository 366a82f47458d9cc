namespace Orchestrator.State;

/// <summary>
/// A file holding a secret for a client program (a .pgpass, a MariaDB option file), readable
/// only by its owner from the moment it exists, and deleted with its private directory on dispose.
/// </summary>
internal sealed class SecretFile : IDisposable
{
    private readonly string _directory;

    private SecretFile(string directory, string path)
    {
        _directory = directory;
        Path = path;
    }

    public string Path { get; }

    public static SecretFile Create(string name, string content)
    {
        var directory = Directory.CreateTempSubdirectory("orchestrator-secret-").FullName;
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = System.IO.Path.Combine(directory, name);
        using (var stream = OwnerOnlyFile.CreateNew(path))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        return new SecretFile(directory, path);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
