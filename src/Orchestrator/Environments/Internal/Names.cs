using System.Text.RegularExpressions;

namespace Orchestrator.Environments.Internal;

/// <summary>The naming rules of environment files, and a spelling hint for unknown words.</summary>
internal static partial class Names
{
    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    public static partial Regex Node();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")]
    public static partial Regex Environment();

    /// <summary>Database and account names: plain identifiers that need no quoting on either engine.</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,31}$")]
    public static partial Regex Identifier();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$")]
    public static partial Regex Host();

    [GeneratedRegex("^(-1|[0-9]+(kB|MB|GB|TB))$")]
    public static partial Regex PostgresSize();

    /// <summary>The error for a value that is not an image reference.</summary>
    public static string NotAnImage(string image) =>
        $"image '{image}' is not a Docker image reference (such as postgres:15, mariadb:10.11 or registry.example.com/team/postgres:15)";

    /// <summary>A Docker image reference: [registry/]repository[:tag][@digest], lowercase repository.</summary>
    [GeneratedRegex(@"^[a-z0-9]+([._/:-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$")]
    public static partial Regex Image();

    [GeneratedRegex("^([0-9]+)(ms|s|m|h)$")]
    public static partial Regex Duration();

    public static string? ClosestMatch(string word, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: Distance(word.ToLowerInvariant(), c)))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        return best.Candidate is not null && best.Distance <= Math.Max(2, word.Length / 3) && best.Distance < word.Length ? best.Candidate : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
