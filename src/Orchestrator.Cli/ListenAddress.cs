using System.Globalization;
using System.Net;

namespace Orchestrator.Cli;

/// <summary>
/// Where <c>metrics --listen</c> serves: an address of this machine and a port, checked before
/// anything listens, so a typo is named rather than reported by the HTTP listener as "not supported".
/// </summary>
/// <param name="Host">The host as the user gave it, for messages.</param>
/// <param name="Port">1 to 65535.</param>
/// <param name="ListenerHost">The host as the HTTP listener takes it: "+" for every address.</param>
internal sealed record ListenAddress(string Host, int Port, string ListenerHost)
{
    private const string EveryAddress = "0.0.0.0";

    /// <summary>
    /// Parses ADDRESS:PORT (an IPv4 address, a host name, or 0.0.0.0 for every address) and checks
    /// that the address is one this machine can listen on: loopback, one of <paramref name="machine"/>,
    /// or a name whose first address (the one the listener binds) is. Returns the problem, or null.
    /// </summary>
    public static string? Problem(string text, IReadOnlyCollection<IPAddress> machine, Func<string, IReadOnlyList<IPAddress>> resolve, out ListenAddress? address)
    {
        address = null;
        var colon = text.LastIndexOf(':');
        if (colon < 0 || colon == text.Length - 1)
        {
            return $"--listen {text} has no port: give ADDRESS:PORT, for example 127.0.0.1:9187";
        }

        var host = text[..colon];
        var portText = text[(colon + 1)..];
        if (host.StartsWith('[') || host.Contains(':', StringComparison.Ordinal))
        {
            return $"--listen {text}: the exporter's HTTP listener cannot listen on an IPv6 address; give an IPv4 address or host name of this machine, or {EveryAddress} for every address";
        }

        if (host.Length == 0)
        {
            return $"--listen {text} has no address: give ADDRESS:PORT, for example 127.0.0.1:{portText}, or {EveryAddress}:{portText} for every address";
        }

        if (!portText.All(char.IsAsciiDigit))
        {
            return $"--listen {text}: the port '{portText}' is not a number; give a port from 1 to 65535, for example {host}:9187";
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return $"--listen {text}: port {portText} is out of range: it must be from 1 to 65535";
        }

        if (host is EveryAddress or "*" or "+")
        {
            address = new ListenAddress(host, port, "+");
            return null;
        }

        var choices = Choices(machine);
        if (host.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            if (!IsDottedQuad(host, out var ip))
            {
                return $"--listen {text} is not an address of this machine: {host} is not an IPv4 address (four numbers from 0 to 255, separated by dots); give {choices}";
            }

            if (!IPAddress.IsLoopback(ip) && !machine.Contains(ip))
            {
                return $"--listen {text} is not an address of this machine: give {choices}";
            }
        }
        else if (Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            return $"--listen {text}: '{host}' is neither an IPv4 address nor a host name; give {choices}";
        }
        else if (resolve(host) is not [var first, ..])
        {
            return $"--listen {text}: the host name '{host}' does not resolve to any address; give {choices}";
        }
        else if (!IPAddress.IsLoopback(first) && !machine.Contains(first))
        {
            return $"--listen {text} is not an address of this machine: '{host}' resolves to {first}; give {choices}";
        }

        address = new ListenAddress(host, port, host);
        return null;
    }

    /// <summary>This machine's addresses (loopback included): the ones a listener can bind.</summary>
    public static IReadOnlyCollection<IPAddress> MachineAddresses() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .ToHashSet();

    /// <summary>A host name's addresses in the resolver's order; none when it does not resolve.</summary>
    public static IReadOnlyList<IPAddress> Resolve(string host)
    {
        try
        {
            return Dns.GetHostAddresses(host);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return [];
        }
    }

    private static string Choices(IReadOnlyCollection<IPAddress> machine)
    {
        var own = machine.Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)).Select(a => a.ToString()).Order(StringComparer.Ordinal).ToList();
        return own.Count == 0
            ? $"127.0.0.1, or {EveryAddress} for every address"
            : $"127.0.0.1, one of this machine's addresses ({string.Join(", ", own)}), or {EveryAddress} for every address";
    }

    /// <summary>Four decimal numbers from 0 to 255; IPAddress.TryParse also takes "1.2.3" and other shorthand.</summary>
    private static bool IsDottedQuad(string host, out IPAddress ip)
    {
        ip = IPAddress.None;
        var parts = host.Split('.');
        return parts.Length == 4
            && parts.All(p => p.Length is > 0 and <= 3 && int.Parse(p, CultureInfo.InvariantCulture) <= 255)
            && IPAddress.TryParse(host, out ip!);
    }
}
