using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// The mysql_native_password hash ("*" + hex SHA1(SHA1(password))), computed on the client so
/// that CREATE USER ... IDENTIFIED BY PASSWORD carries only the hash, never the password.
/// </summary>
internal static class NativePasswordHash
{
    public static string Compute(string password) =>
        "*" + Convert.ToHexString(SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes(password))));
}
