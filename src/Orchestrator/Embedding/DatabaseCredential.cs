namespace Orchestrator.Embedding;

/// <summary>An account of the database servers. The password never prints itself: <see cref="ToString"/> shows the user only.</summary>
public sealed class DatabaseCredential
{
    /// <param name="user">The account name.</param>
    /// <param name="password">Its password.</param>
    public DatabaseCredential(string user, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        User = user;
        Password = password;
    }

    /// <summary>The account name.</summary>
    public string User { get; }

    internal string Password { get; }

    /// <summary>The user, with the password hidden.</summary>
    public override string ToString() => $"{User} (password hidden)";
}
