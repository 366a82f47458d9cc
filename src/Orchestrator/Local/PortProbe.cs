using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Local;

/// <summary>Checks whether something already listens on a node's address.</summary>
public static class PortProbe
{
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
