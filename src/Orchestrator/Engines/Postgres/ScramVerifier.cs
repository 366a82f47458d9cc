using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// Computes a SCRAM-SHA-256 verifier (RFC 5802/7677, the format PostgreSQL stores) on the
/// client, so that CREATE ROLE ... PASSWORD carries the verifier and the password itself
/// never reaches the server, its statement log or its error log.
/// </summary>
internal static class ScramVerifier
{
    public const int Iterations = 4096;

    public static string Compute(string password, byte[]? salt = null)
    {
        salt ??= RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
