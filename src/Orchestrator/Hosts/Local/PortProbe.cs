using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Hosts.Local;

/// <summary>Checks whether something already listens on a node's address.</summary>
internal static class PortProbe
{
    /// <summary>
    /// A TCP port free on 127.0.0.1 now, for a server that binds it moments later. It is taken
    /// below Linux's ephemeral range (32768 and up): a port from that range could meanwhile be
    /// handed to some outgoing connection as its local port, and the server's bind would fail.
    /// </summary>
    /// <param name="from">The lowest port to choose (scratch nodes: 20000).</param>
    /// <param name="to">One past the highest port to choose.</param>
    public static int FreePort(ISet<int>? exclude = null, int from = 20000, int to = 32000)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(from, to);
            if (exclude?.Contains(port) == true)
            {
                continue;
            }

            try
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        throw new LocalProviderException($"no free TCP port found on 127.0.0.1 between {from} and {to - 1}");
    }

    /// <summary>
    /// Why a node cannot take the port: something listens there and stays. A listener no
    /// process owns (a server's last threads still exiting) is given two seconds to go. Null when
    /// the port is free.
    /// </summary>
    public static string? Taken(string host, int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (IsListening(host, port))
        {
            if (ProcessTable.ListenerOn(port) is { } holder)
            {
                return $"something else already listens on {host}:{port} ({holder})";
            }

            if (DateTime.UtcNow > deadline)
            {
                return $"something else already listens on {host}:{port}";
            }

            Thread.Sleep(50);
        }

        return null;
    }

    /// <summary>
    /// Whether a server accepts TCP connections on the port. The connect is synchronous: on an
    /// address of this machine it is answered at once, and an asynchronous one with a timeout
    /// reported a listener as absent when the thread pool was busy.
    /// </summary>
    public static bool IsListening(string host, int port)
    {
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            var address = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
            socket.Connect(address, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
