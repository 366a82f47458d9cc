using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Environments.Internal;

/// <summary>
/// <c>credentials.admin.certificate</c> and <c>.key</c>: a client certificate the admin account
/// presents to an external environment's servers, both as <c>"${file:PATH}"</c>. Checked here so
/// that a bad pair is bad input at its line, not a refused handshake later.
/// </summary>
internal static class ClientCertificateReader
{
    private const UnixFileMode SharedBits =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>True when the account's mapping names a certificate or a key (then a password is optional).</summary>
    public static bool IsGiven(YamlMappingNode account) => YamlReader.Get(account, "certificate") is not null || YamlReader.Get(account, "key") is not null;

    /// <summary>The pair, null when none is given; <paramref name="valid"/> false when one was given and is unusable (reported).</summary>
    public static ClientCertificate? Read(YamlMappingNode account, YamlReader reader, ProviderKind provider, string baseDirectory, out bool valid)
    {
        valid = true;
        var certificateNode = YamlReader.Get(account, "certificate");
        var keyNode = YamlReader.Get(account, "key");
        if (certificateNode is null && keyNode is null)
        {
            return null;
        }

        valid = false;
        if (provider != ProviderKind.External)
        {
            reader.Error(certificateNode ?? keyNode!, "a client certificate applies to external environments: the tool makes and logs in with the accounts of a local or docker environment itself");
            return null;
        }

        if (certificateNode is null || keyNode is null)
        {
            reader.Error(certificateNode ?? keyNode!, $"credentials.admin needs both 'certificate' and 'key' (the certificate's private key); this one gives only '{(certificateNode is null ? "key" : "certificate")}'");
            return null;
        }

        if (FileReference.Read(certificateNode, reader, "credentials.admin.certificate", "a PEM certificate", baseDirectory) is not { } certificate
            || FileReference.Read(keyNode, reader, "credentials.admin.key", "a PEM private key", baseDirectory) is not { } key)
        {
            return null;
        }

        if ((File.GetUnixFileMode(key.Full) & SharedBits) != 0)
        {
            reader.Error(keyNode, $"credentials.admin.key file '{key.Written}' can be read by other users; make it private (chmod 600), as libpq, which pg_dump uses, refuses it otherwise");
            return null;
        }

        try
        {
            // Fails unless both are PEM and the key is the certificate's own.
            using var pair = X509Certificate2.CreateFromPemFile(certificate.Full, key.Full);
            valid = true;
            return new ClientCertificate(certificate.Full, key.Full);
        }
        catch (UnauthorizedAccessException)
        {
            reader.Error(certificateNode, $"credentials.admin.certificate '{certificate.Written}' or its key '{key.Written}' cannot be read by this user");
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            reader.Error(certificateNode, $"credentials.admin.certificate '{certificate.Written}' and key '{key.Written}' are not a PEM certificate and its own private key (-----BEGIN CERTIFICATE-----, -----BEGIN PRIVATE KEY-----)");
        }

        return null;
    }
}
