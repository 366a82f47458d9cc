using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Local;

/// <summary>Checks whether something already listens on a node's address.</summary>
public static class PortProbe
{
    /// <summary>A TCP port that is free on 127.0.0.1 right now, for a scratch server.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static bool IsListening(string host, int port)
    {
        try
        {
            using var client = new TcpClient();
            var address = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
            return client.ConnectAsync(address, port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
