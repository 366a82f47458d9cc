using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// Connects from another loopback address (127.0.0.2, outside access.allow) and reports the
/// server's first answer. Client libraries cannot choose their source address, so these speak
/// the first message of each wire protocol directly.
/// </summary>
internal static class ForeignClient
{
    public static readonly IPAddress Address = IPAddress.Parse("127.0.0.2");

    /// <summary>
    /// Sends a PostgreSQL StartupMessage and returns the ErrorResponse's message, or null when none
    /// came; with <paramref name="encrypted"/>, over TLS first (SSLRequest), as a client in good
    /// standing would, so that only the address is wrong.
    /// </summary>
    public static async Task<string?> PostgresStartupErrorAsync(int port, string user, string database, bool encrypted = false)
    {
        using var socket = await ConnectAsync(port);
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (encrypted)
        {
            var request = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(request, 8);
            BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), 80877103);
            await stream.WriteAsync(request);
            var answer = new byte[1];
            await stream.ReadExactlyAsync(answer);
            Assert.Equal((byte)'S', answer[0]);

            // Only the server's answer to the address matters here, not who it is.
            var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync("localhost");
            stream = tls;
        }

        await using var _ = stream;
        var parameters = Encoding.UTF8.GetBytes($"user\0{user}\0database\0{database}\0\0");
        var startup = new byte[8 + parameters.Length];
        BinaryPrimitives.WriteInt32BigEndian(startup, startup.Length);
        BinaryPrimitives.WriteInt32BigEndian(startup.AsSpan(4), 196608);
        parameters.CopyTo(startup, 8);
        await stream.WriteAsync(startup);

        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var reply = buffer[..await stream.ReadAsync(buffer, timeout.Token)];
        if (reply.Length == 0 || reply[0] != (byte)'E')
        {
            return null;
        }

        // ErrorResponse fields: a type byte, then a NUL-terminated string; 'M' is the message.
        var fields = Encoding.UTF8.GetString(reply, 5, reply.Length - 5).Split('\0');
        return fields.FirstOrDefault(f => f.StartsWith('M'))?[1..];
    }

    /// <summary>Returns the MariaDB error number and message sent instead of a handshake, or null when a handshake came.</summary>
    public static async Task<(int Number, string Message)?> MariaDbGreetingErrorAsync(int port)
    {
        using var socket = await ConnectAsync(port);
        var packet = await ReceiveAsync(socket);

        // Packet: 3-byte length, sequence id, then 0xFF, 2-byte error number, message.
        if (packet.Length < 7 || packet[4] != 0xFF)
        {
            return null;
        }

        return (BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(5)), Encoding.UTF8.GetString(packet, 7, packet.Length - 7));
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(Address, 0));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    private static async Task<byte[]> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return buffer[..read];
    }
}
