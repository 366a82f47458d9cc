using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orchestrator.State;

/// <summary>
/// The certificate authority of one environment the tool runs: <c>ca.crt</c> and <c>ca.key</c> in
/// <see cref="StateLayout.CaDir"/>, and per node <c>NODE.crt</c> and <c>NODE.key</c> in
/// <see cref="StateLayout.TlsDir"/> (folders 0700, keys 0600). Clients and replicas trust
/// <c>ca.crt</c> alone, so a node's certificate can be reissued (new addresses, near its expiry)
/// without touching anyone's trust.
/// </summary>
internal sealed class EnvironmentCa
{
    /// <summary>How long a node certificate is valid; <see cref="RenewWithin"/> before its end, the next <c>up</c> reissues it.</summary>
    public static readonly TimeSpan NodeLifetime = TimeSpan.FromDays(397);

    public static readonly TimeSpan RenewWithin = TimeSpan.FromDays(30);

    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);

    private readonly string _caDirectory;
    private readonly string _directory;
    private readonly string _environmentName;

    private EnvironmentCa(string caDirectory, string directory, string environmentName)
    {
        _caDirectory = caDirectory;
        _directory = directory;
        _environmentName = environmentName;
    }

    /// <summary>The CA of the environment whose state is <paramref name="state"/>, whether or not it was made yet.</summary>
    /// <param name="fleetName">The environment's name in its file (a shard's fleet's), which the CA's subject names.</param>
    public static EnvironmentCa In(StateLayout state, string fleetName) => new(state.CaDir, state.TlsDir, fleetName);

    /// <summary>The CA certificate (PEM), which clients and replicas trust.</summary>
    public string CaFile => Path.Combine(_caDirectory, "ca.crt");

    private string CaKeyFile => Path.Combine(_caDirectory, "ca.key");

    public bool Exists => File.Exists(CaFile) && File.Exists(CaKeyFile);

    /// <summary>Makes the CA unless it exists; true when it was made now.</summary>
    public bool Ensure()
    {
        if (Exists)
        {
            FinishInterruptedBegin();
            return false;
        }

        OwnerOnlyFolder(_caDirectory);

        // The shards of an environment come up side by side, and share this CA: one makes it.
        using var held = Lock();
        if (Exists)
        {
            return false;
        }

        var (keyPem, certificatePem) = NewCa($"CN=orchestrator CA for environment {Escape(_environmentName)}");
        OwnerOnlyFile.Replace(CaKeyFile, keyPem);
        OwnerOnlyFile.Replace(CaFile, certificatePem);
        return true;
    }

    /// <summary>The serial numbers of the CAs trusted now, the newest first: more than one while a CA rotation is under way.</summary>
    public IReadOnlyList<string> TrustedSerials()
    {
        using var trusted = Trusted(File.ReadAllText(CaFile));
        return trusted.Select(c => c.SerialNumber).ToList();
    }

    /// <summary>
    /// Starts a CA rotation: a new CA issues every certificate from now on, and <c>ca.crt</c>
    /// holds it before every CA trusted so far, so that clients and replicas given that bundle
    /// trust the servers whether they present an old certificate or a new one. Returns the new
    /// CA's serial number. Each step leaves a usable CA behind if the process dies.
    /// </summary>
    public string BeginCaRotation()
    {
        Ensure();
        using var held = Lock();
        var (keyPem, certificatePem) = NewCa($"CN=orchestrator CA for environment {Escape(_environmentName)}, OU=issued {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z");
        var nextKey = CaKeyFile + ".next";
        OwnerOnlyFile.Replace(nextKey, keyPem);
        // Trust comes before issuing: until the key moves, the old CA still issues, and both are trusted.
        OwnerOnlyFile.Replace(CaFile, certificatePem.TrimEnd() + "\n" + File.ReadAllText(CaFile).TrimStart());
        File.Move(nextKey, CaKeyFile, overwrite: true);
        using var made = X509Certificate2.CreateFromPem(certificatePem);
        return made.SerialNumber;
    }

    /// <summary>
    /// A <see cref="BeginCaRotation"/> cut short leaves the new key beside the old one: once
    /// <c>ca.crt</c> names the new CA first, the new key takes the old one's place (else the old CA
    /// would go on issuing, and the last step would keep it and drop the new one); before that, the
    /// new key belongs to no trusted CA and goes.
    /// </summary>
    private void FinishInterruptedBegin()
    {
        var nextKey = CaKeyFile + ".next";
        if (!File.Exists(nextKey))
        {
            return;
        }

        using var held = Lock();
        if (!File.Exists(nextKey))
        {
            return;
        }

        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(nextKey));
        using var trusted = Trusted(File.ReadAllText(CaFile));
        if (trusted.Count > 0 && trusted[0].PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            File.Move(nextKey, CaKeyFile, overwrite: true);
        }
        else
        {
            File.Delete(nextKey);
        }
    }

    /// <summary>
    /// The last step of a CA rotation begins: <c>ca.crt</c> holds the issuing CA alone, and the CAs
    /// it replaced are trusted no more. A record says so until <see cref="EndCaRotation"/>, so that
    /// a run cut short before every node trusts the new CA alone is finished by the next one
    /// rather than taken for no rotation at all (which would start another).
    /// </summary>
    public void DropRetiredCas()
    {
        using var held = Lock();
        using var issuer = Issuer();
        OwnerOnlyFile.Replace(FinishingRecord, issuer.SerialNumber + "\n");
        OwnerOnlyFile.Replace(CaFile, issuer.ExportCertificatePem());
    }

    /// <summary>Whether a CA rotation's last step began and did not end (see <see cref="DropRetiredCas"/>).</summary>
    public bool CaRotationFinishing => File.Exists(FinishingRecord);

    /// <summary>Every node trusts the new CA alone: the rotation is over.</summary>
    public void EndCaRotation() => File.Delete(FinishingRecord);

    private string FinishingRecord => Path.Combine(_caDirectory, "ca-rotation-finishing");

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

        using var ca = Issuer();
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
        OwnerOnlyFolder(_directory);
        OwnerOnlyFile.Replace(keyFile, made.KeyPem);
        OwnerOnlyFile.Replace(certFile, made.CertificatePem);
        if (_directory != _caDirectory)
        {
            // A shared or borrowed CA: its certificate beside the node's, so that this state alone (a kept scratch node) still says whom to trust.
            OwnerOnlyFile.Replace(Path.Combine(_directory, "ca.crt"), caPem);
        }
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

    /// <summary>The issuing CA, with its key: of the certificates in <c>ca.crt</c>, the one whose key <c>ca.key</c> holds.</summary>
    private X509Certificate2 Issuer()
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(CaKeyFile));
        var publicKey = key.ExportSubjectPublicKeyInfo();
        using var trusted = Trusted(File.ReadAllText(CaFile));
        var issuer = trusted.FirstOrDefault(c => c.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(publicKey))
            ?? throw new CryptographicException($"{CaKeyFile} is the key of no certificate in {CaFile}: restore both from a backup of the state directory, or run 'down --purge' and 'up' for a new CA");
        return issuer.CopyWithPrivateKey(key);
    }

    private static (string KeyPem, string CertificatePem) NewCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(CaLifetime));
        return (key.ExportPkcs8PrivateKeyPem(), ca.ExportCertificatePem());
    }

    /// <summary>The certificates of a trust bundle (one CA, or several during a rotation); the caller disposes them.</summary>
    private static DisposableCertificates Trusted(string pem)
    {
        var certificates = new DisposableCertificates();
        certificates.ImportFromPem(pem);
        return certificates;
    }

    private static bool StillGood(NodeCertificate kept, IReadOnlyCollection<string> names)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(kept.CertificatePem);
            using var trusted = Trusted(kept.CaPem);
            if (certificate.NotAfter.ToUniversalTime() - DateTime.UtcNow < RenewWithin)
            {
                return false;
            }

            var covered = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault() is { } san
                ? san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(a => a.ToString())).ToHashSet(StringComparer.Ordinal)
                : [];
            return names.All(name => covered.Contains(IPAddress.TryParse(name, out var address) ? address.ToString() : name))
                && certificate.GetECDsaPublicKey() is { } publicKey && SameKey(publicKey, kept.KeyPem)
                && SignedBy(certificate, trusted);
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

    /// <summary>Whether one of the trusted CAs (during a rotation, the old one too) issued the certificate.</summary>
    private static bool SignedBy(X509Certificate2 certificate, X509Certificate2Collection trusted)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>Holds the CA folder's lock file (an exclusive lock, also against other processes) until disposed.</summary>
    private FileStream Lock()
    {
        var path = Path.Combine(_caDirectory, "ca.lock");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static void OwnerOnlyFolder(string directory)
    {
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>A name in a distinguished name: the characters RFC 4514 gives a meaning are escaped.</summary>
    private static string Escape(string value) =>
        string.Concat(value.Select(c => c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=' ? $"\\{c}" : c.ToString()));
}

/// <summary>Certificates read from PEM, disposed together.</summary>
internal sealed class DisposableCertificates : X509Certificate2Collection, IDisposable
{
    public void Dispose()
    {
        foreach (var certificate in this)
        {
            certificate.Dispose();
        }
    }
}

/// <summary>A node's certificate, its private key and the CA that issued it, as PEM text for the node's host.</summary>
internal sealed record NodeCertificate(string CaPem, string CertificatePem, string KeyPem)
{
    /// <summary>Never the key's text (records print their members).</summary>
    public override string ToString() => "node certificate";
}
