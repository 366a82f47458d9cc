using System.Net;
using System.Security.Cryptography.X509Certificates;
using Orchestrator.State;

namespace Orchestrator.Tests.State;

public sealed class EnvironmentCaTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("orch-ca-").FullName;

    private EnvironmentCa Ca => EnvironmentCa.In(new StateLayout(_root), "shop");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_node_certificate_names_every_address_and_name_and_chains_to_the_environment_ca_only()
    {
        var issued = Ca.NodeCertificate("replica-1", ["127.0.0.1", "10.213.7.11", "orch-shop-replica-1", "replica-1"]);

        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Ca.CaFile));
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["orch-shop-replica-1", "replica-1"], san.EnumerateDnsNames().Order(StringComparer.Ordinal));
        Assert.Equal([IPAddress.Parse("127.0.0.1"), IPAddress.Parse("10.213.7.11")], san.EnumerateIPAddresses());
        Assert.Equal(ca.Subject, certificate.Issuer);
        Assert.InRange(certificate.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(396), DateTime.UtcNow.AddDays(398));

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(certificate));

        // The CA's key and the node's are private to the state directory's owner.
        foreach (var key in new[] { "ca.key", "replica-1.key", "ca.crt" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_root, "tls", key)));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_root, "tls")));
    }

    [Fact]
    public void A_kept_certificate_is_reused_until_the_node_is_reached_by_a_name_it_lacks()
    {
        var first = Ca.NodeCertificate("primary", ["127.0.0.1", "localhost"]);
        Assert.False(Ca.IsDue("primary", ["127.0.0.1"]));
        Assert.Equal(first.CertificatePem, Ca.NodeCertificate("primary", ["localhost", "127.0.0.1"]).CertificatePem);

        Assert.True(Ca.IsDue("primary", ["127.0.0.1", "db.internal"]));
        var second = Ca.NodeCertificate("primary", ["127.0.0.1", "db.internal"]);
        Assert.NotEqual(first.CertificatePem, second.CertificatePem);
        Assert.NotEqual(first.KeyPem, second.KeyPem);
        Assert.True(Ca.IsDue("other", ["127.0.0.1"]));
    }

    [Fact]
    public void A_ca_rotation_is_recorded_as_finishing_from_the_drop_of_the_old_ca_until_it_ends()
    {
        Ca.Ensure();
        var newCa = Ca.BeginCaRotation();
        Assert.Equal(2, Ca.TrustedSerials().Count);
        Assert.False(Ca.CaRotationFinishing);

        Ca.DropRetiredCas();

        // A run cut short here finds the rotation's own CA, alone, and the record that it was finishing.
        Assert.Equal([newCa], Ca.TrustedSerials());
        Assert.True(Ca.CaRotationFinishing);
        Ca.DropRetiredCas();
        Assert.Equal([newCa], Ca.TrustedSerials());

        Ca.EndCaRotation();
        Assert.False(Ca.CaRotationFinishing);
    }

    [Fact]
    public void A_ca_rotation_cut_short_after_the_new_ca_was_trusted_issues_from_the_new_ca_and_one_cut_short_before_keeps_the_old()
    {
        Ca.Ensure();
        var keyFile = Path.Combine(_root, "tls", "ca.key");
        var oldKey = File.ReadAllText(keyFile);
        var oldCa = Assert.Single(Ca.TrustedSerials());

        // Cut short before the new key took the old one's place: ca.crt trusts both, the old key still issues.
        var newCa = Ca.BeginCaRotation();
        File.Move(keyFile, keyFile + ".next");
        File.WriteAllText(keyFile, oldKey);

        Ca.Ensure();
        Ca.DropRetiredCas();
        Assert.Equal([newCa], Ca.TrustedSerials());
        Assert.False(File.Exists(keyFile + ".next"));
        Ca.EndCaRotation();

        // Cut short before ca.crt named the new CA: its key belongs to no trusted CA and goes.
        File.WriteAllText(keyFile + ".next", oldKey);
        Ca.Ensure();
        Assert.False(File.Exists(keyFile + ".next"));
        Assert.Equal([newCa], Ca.TrustedSerials());
        Assert.NotEqual(oldCa, newCa);
    }

    [Fact]
    public void A_node_certificate_prints_no_key()
    {
        var issued = Ca.NodeCertificate("primary", ["127.0.0.1"]);
        Assert.DoesNotContain("PRIVATE KEY", issued.ToString(), StringComparison.Ordinal);
        Assert.Contains("PRIVATE KEY", issued.KeyPem, StringComparison.Ordinal);
    }
}
