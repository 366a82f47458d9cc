using System.Text.Json;
using Docker.DotNet;

namespace Orchestrator.Hosts.Docker;

internal static class DockerErrors
{
    /// <summary>The engine's own message ("port is already allocated", "... is paused"), without the HTTP wrapping.</summary>
    public static string Message(DockerApiException e)
    {
        try
        {
            using var body = JsonDocument.Parse(e.ResponseBody ?? "");
            if (body.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
            // Not the engine's JSON error: use the exception's text.
        }

        return e.Message;
    }
}
