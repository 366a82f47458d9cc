namespace Orchestrator.State;

/// <summary>Files that hold a secret (a password, a private key): readable and writable by their owner only from the moment they exist.</summary>
internal static class OwnerOnlyFile
{
    /// <summary>Creates <paramref name="path"/>, mode 0600; an existing file is an error.</summary>
    public static FileStream CreateNew(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
    });

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> whole or not at all (through a file beside it, renamed over it).</summary>
    public static void Replace(string path, string content)
    {
        var temporary = path + ".new";
        File.Delete(temporary);
        using (var stream = CreateNew(temporary))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
