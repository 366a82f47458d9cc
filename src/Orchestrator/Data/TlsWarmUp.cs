using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orchestrator.Data;

/// <summary>
/// The first certificate check of a process costs about 0.1 s on Linux (the runtime loads its
/// certificate machinery and the system's store), and every TLS handshake makes one. A command
/// that will connect over TLS pays it on another core while it reads its files instead of
/// before its first session.
/// </summary>
internal static class TlsWarmUp
{
    private static int _started;

    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        _ = Task.Run(() =>
        {
            try
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                using var certificate = new CertificateRequest("CN=warm-up", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
                using var chain = new X509Chain();
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.Build(certificate);
            }
            catch (CryptographicException)
            {
                // Only a head start: the first session does the same work if this could not.
            }
        });
    }
}
