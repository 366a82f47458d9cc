using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Environments;

/// <summary>An IPv4 or IPv6 network in CIDR notation, such as 127.0.0.1/32.</summary>
internal sealed record Cidr(IPAddress Network, int PrefixLength)
{
    public override string ToString() => $"{Network}/{PrefixLength}";

    public static bool TryParse(string text, out Cidr? cidr, out string error)
    {
        cidr = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            error = $"'{text}' is not a CIDR: write an address with a prefix length, such as 127.0.0.1/32";
            return false;
        }

        if (!IPAddress.TryParse(text[..slash], out var address) || text[..slash].Count(c => c == '.') is not (0 or 3))
        {
            error = $"'{text}' is not a CIDR: '{text[..slash]}' is not an IP address";
            return false;
        }

        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (!int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, null, out var prefix) || prefix > max)
        {
            error = $"'{text}' is not a CIDR: the prefix length must be a whole number from 0 to {max}";
            return false;
        }

        if (!HostBitsAreZero(address, prefix))
        {
            error = $"'{text}' is not a CIDR: its address has bits set beyond the /{prefix} prefix (did you mean {Truncate(address, prefix)}/{prefix}?)";
            return false;
        }

        cidr = new Cidr(address, prefix);
        error = "";
        return true;
    }

    /// <summary>The network mask in dotted form (IPv4 only), as MariaDB host patterns want it.</summary>
    public string Netmask()
    {
        var bytes = new byte[4];
        for (var i = 0; i < PrefixLength; i++)
        {
            bytes[i / 8] |= (byte)(0x80 >> (i % 8));
        }

        return new IPAddress(bytes).ToString();
    }

    private static bool HostBitsAreZero(IPAddress address, int prefix) => Truncate(address, prefix).Equals(address);

    private static IPAddress Truncate(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }
}
