using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Environments.Internal;

/// <summary>
/// <c>tls_ca: ${file:PATH}</c>: the CA (or bundle, such as a managed service's) that an external
/// environment's server certificates are checked against under verify-full, instead of the
/// system's authorities. The drivers read the file themselves, so it is named, not inlined.
/// </summary>
internal static class TlsCaReader
{
    /// <summary>The CA file's full path, or null when the file gives none or it is unusable (reported).</summary>
    public static string? Read(YamlMappingNode root, YamlReader reader, ProviderKind provider, TlsMode? tls, string baseDirectory)
    {
        if (YamlReader.Get(root, "tls_ca") is not { } node)
        {
            return null;
        }

        if (provider != ProviderKind.External)
        {
            reader.Error(node, "tls_ca applies to external environments: a local or docker environment's servers have certificates from its own CA, which the tool trusts ('orchestrator tls ca' prints it)");
            return null;
        }

        if (tls is { } mode && mode != TlsMode.VerifyFull)
        {
            reader.Error(node, $"tls_ca is the CA that tls: verify-full checks certificates against, and this file says tls: {mode.ToString().ToLowerInvariant()}; write tls: verify-full (or leave tls out)");
            return null;
        }

        if (FileReference.Read(node, reader, "tls_ca", "a PEM file", baseDirectory) is not { } file)
        {
            return null;
        }

        var (path, relative) = file;
        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            if (certificates.Count == 0)
            {
                reader.Error(node, $"tls_ca file '{relative}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
                return null;
            }

            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            return path;
        }
        catch (UnauthorizedAccessException)
        {
            reader.Error(node, $"tls_ca file '{relative}' cannot be read by this user");
        }
        catch (CryptographicException)
        {
            reader.Error(node, $"tls_ca file '{relative}' is not a PEM certificate (-----BEGIN CERTIFICATE-----)");
        }

        return null;
    }
}
