using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orchestrator.State;

/// <summary>
/// The certificate authority of one environment the tool runs, kept in <c>STATE/tls</c> (0700;
/// keys 0600): <c>ca.crt</c>, <c>ca.key</c>, and per node <c>NODE.crt</c> and <c>NODE.key</c>.
/// Clients and replicas trust <c>ca.crt</c> alone, so a node's certificate can be reissued (new
/// addresses, near its expiry) without touching anyone's trust.
/// </summary>
internal sealed class EnvironmentCa
{
    /// <summary>How long a node certificate is valid; <see cref="RenewWithin"/> before its end, the next <c>up</c> reissues it.</summary>
    public static readonly TimeSpan NodeLifetime = TimeSpan.FromDays(397);

    public static readonly TimeSpan RenewWithin = TimeSpan.FromDays(30);

    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);

    private readonly string _directory;
    private readonly string _environmentName;

    private EnvironmentCa(string directory, string environmentName)
    {
        _directory = directory;
        _environmentName = environmentName;
    }

    /// <summary>The environment's CA in <paramref name="state"/>, whether or not it was made yet.</summary>
    public static EnvironmentCa In(StateLayout state, string environmentName) => new(Path.Combine(state.Root, "tls"), environmentName);

    /// <summary>The CA certificate (PEM), which clients and replicas trust.</summary>
    public string CaFile => Path.Combine(_directory, "ca.crt");

    private string CaKeyFile => Path.Combine(_directory, "ca.key");

    public bool Exists => File.Exists(CaFile) && File.Exists(CaKeyFile);

    /// <summary>Makes the CA unless it exists; true when it was made now.</summary>
    public bool Ensure()
    {
        if (Exists)
        {
            return false;
        }

        Directory.CreateDirectory(_directory);
        File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=orchestrator CA for environment {Escape(_environmentName)}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(CaLifetime));
        OwnerOnlyFile.Replace(CaKeyFile, key.ExportPkcs8PrivateKeyPem());
        OwnerOnlyFile.Replace(CaFile, ca.ExportCertificatePem());
        return true;
    }

    /// <summary>
    /// The node's certificate for <paramref name="names"/> (host names and addresses it is reached
    /// by) and its key, both PEM: the kept one while it covers those names, comes from this CA and
    /// is not within <see cref="RenewWithin"/> of its end; otherwise a new one, kept for next time.
    /// </summary>
    public NodeCertificate NodeCertificate(string node, IReadOnlyCollection<string> names)
    {
        Ensure();
        if (Kept(node) is { } kept && StillGood(kept, names))
        {
            return kept;
        }

        var certFile = Path.Combine(_directory, $"{node}.crt");
        var keyFile = Path.Combine(_directory, $"{node}.key");
        var caPem = File.ReadAllText(CaFile);

        using var ca = X509Certificate2.CreateFromPemFile(CaFile, CaKeyFile);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={Escape(node)}", key, HashAlgorithmName.SHA256);
        var alternative = new SubjectAlternativeNameBuilder();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternative.AddIpAddress(address);
            }
            else
            {
                alternative.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(alternative.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var now = DateTimeOffset.UtcNow;
        var notAfter = now.Add(NodeLifetime) < ca.NotAfter ? now.Add(NodeLifetime) : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var issued = request.Create(ca, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        var made = new NodeCertificate(caPem, issued.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
        OwnerOnlyFile.Replace(keyFile, made.KeyPem);
        OwnerOnlyFile.Replace(certFile, made.CertificatePem);
        return made;
    }

    /// <summary>A new certificate and key for the node, whatever it had (a rotation).</summary>
    public NodeCertificate Reissue(string node, IReadOnlyCollection<string> names)
    {
        File.Delete(Path.Combine(_directory, $"{node}.crt"));
        return NodeCertificate(node, names);
    }

    /// <summary>Whether <see cref="NodeCertificate"/> would issue the node a new certificate: it has none, it lacks one of <paramref name="names"/>, or it ends within <see cref="RenewWithin"/>.</summary>
    public bool IsDue(string node, IReadOnlyCollection<string> names) => !(Kept(node) is { } kept && StillGood(kept, names));

    private NodeCertificate? Kept(string node)
    {
        var certFile = Path.Combine(_directory, $"{node}.crt");
        var keyFile = Path.Combine(_directory, $"{node}.key");
        return Exists && File.Exists(certFile) && File.Exists(keyFile)
            ? new NodeCertificate(File.ReadAllText(CaFile), File.ReadAllText(certFile), File.ReadAllText(keyFile))
            : null;
    }

    private static bool StillGood(NodeCertificate kept, IReadOnlyCollection<string> names)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(kept.CertificatePem);
            using var ca = X509Certificate2.CreateFromPem(kept.CaPem);
            if (certificate.NotAfter.ToUniversalTime() - DateTime.UtcNow < RenewWithin || certificate.Issuer != ca.Subject)
            {
                return false;
            }

            var covered = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault() is { } san
                ? san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(a => a.ToString())).ToHashSet(StringComparer.Ordinal)
                : [];
            return names.All(name => covered.Contains(IPAddress.TryParse(name, out var address) ? address.ToString() : name))
                && certificate.GetECDsaPublicKey() is { } publicKey && SameKey(publicKey, kept.KeyPem)
                && SignedBy(certificate, ca);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool SameKey(ECDsa publicKey, string keyPem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        return key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(publicKey.ExportSubjectPublicKeyInfo());
    }

    private static bool SignedBy(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>A name in a distinguished name: the characters RFC 4514 gives a meaning are escaped.</summary>
    private static string Escape(string value) =>
        string.Concat(value.Select(c => c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=' ? $"\\{c}" : c.ToString()));
}

/// <summary>A node's certificate, its private key and the CA that issued it, as PEM text for the node's host.</summary>
internal sealed record NodeCertificate(string CaPem, string CertificatePem, string KeyPem)
{
    /// <summary>Never the key's text (records print their members).</summary>
    public override string ToString() => "node certificate";
}
