using Orchestrator.Environments;

namespace Orchestrator.Processes;

/// <summary>Replaces known secret values in text that is about to be shown to a person.</summary>
internal static class Redactor
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> Known = [];

    public static void Register(Secret? secret)
    {
        if (secret is not null && secret.Reveal().Length >= 4)
        {
            lock (Gate)
            {
                Known.Add(secret.Reveal());
            }
        }
    }

    public static string Redact(string text)
    {
        lock (Gate)
        {
            foreach (var value in Known)
            {
                text = text.Replace(value, "******", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
