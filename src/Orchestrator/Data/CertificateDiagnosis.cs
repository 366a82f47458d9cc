using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Orchestrator.Data;

/// <summary>
/// Why a server's certificate failed verify-full, from the certificate a second handshake
/// captured: the drivers say only that the handshake failed.
/// </summary>
internal static class CertificateDiagnosis
{
    /// <summary>Whether <paramref name="failure"/> (or what caused it) is a TLS handshake that refused the server.</summary>
    public static bool IsHandshakeRefusal(Exception failure)
    {
        for (var e = (Exception?)failure; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The certificate a validation callback was shown, kept beyond the callback.</summary>
    public static X509Certificate2? Keep(X509Certificate? certificate) =>
        certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());

    /// <param name="host">The host name or address the client connected to, which the certificate must name.</param>
    /// <param name="caFile">The CA file the certificate must chain to; null for the system's authorities.</param>
    public static string Explain(X509Certificate2 certificate, SslPolicyErrors errors, string host, string? caFile)
    {
        var names = Names(certificate);
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add($"it names {(names.Count == 0 ? "no host" : string.Join(", ", names))}, not '{host}' (connect by one of those names, or give the server a certificate for '{host}')");
        }

        if (!ChainsTo(certificate, caFile))
        {
            reasons.Add(caFile is null
                ? $"no authority this system trusts issued it (issuer: {certificate.Issuer}); name its CA with tls_ca"
                : $"the CA in {caFile} did not issue it (issuer: {certificate.Issuer})");
        }

        if (DateTime.UtcNow > certificate.NotAfter.ToUniversalTime())
        {
            reasons.Add($"it expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
        }

        return reasons.Count == 0
            ? "the server's certificate was refused"
            : $"the server's certificate was refused: {string.Join("; and ", reasons)}";
    }

    private static List<string> Names(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault() is { } san
            ? [.. san.EnumerateDnsNames(), .. san.EnumerateIPAddresses().Select(a => a.ToString())]
            : [certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)];

    private static bool ChainsTo(X509Certificate2 certificate, string? caFile)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (caFile is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.ImportFromPemFile(caFile);
        }

        // An expired certificate is said so on its own.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(certificate);
    }
}
