using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MedicalExaminer.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Gateway.Mllp;

/// <summary>What a TLS handshake established about the sender: nothing (no certificate) or the publisher its certificate is bound to.</summary>
public sealed record MllpPeer(PublisherIdentity? CertificatePublisher)
{
    public static MllpPeer Plain { get; } = new((PublisherIdentity?)null);
}

/// <summary>
/// Server side of MLLP over TLS: the server certificate from configuration, and the client certificate checked and
/// mapped to the publisher it is bound to (<see cref="MllpTlsOptions.ClientCertificates"/>). A certificate that is
/// neither pinned nor trusted, or whose binding is revoked, fails the handshake: a sender with a wrong certificate
/// learns it from its TLS stack, before it sends anything.
/// </summary>
public sealed class MllpTlsAuthenticator(IOptionsMonitor<GatewayOptions> options)
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    // Read once: a renewed certificate applies from the next start (a rollout), as for the HTTP listener's.
    private readonly Lazy<SslStreamCertificateContext> _server = new(() => LoadServerCertificate(options.CurrentValue.MllpTls));

    private MllpTlsOptions Tls => options.CurrentValue.MllpTls;

    public bool Enabled => Tls.Enabled;

    /// <summary>Loads the server certificate now, so that a wrong path or password stops the start rather than the first sender.</summary>
    public void EnsureLoaded() => _ = _server.Value;

    /// <summary>Runs the TLS handshake on an accepted connection; throws <see cref="AuthenticationException"/> when it fails.</summary>
    public async Task<(SslStream Stream, MllpPeer Peer)> AuthenticateAsync(Stream transport, CancellationToken cancellationToken)
    {
        var tls = Tls;
        var peer = MllpPeer.Plain;
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        var serverOptions = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _server.Value,
            // Asked for whenever one could be used; whether its absence is allowed is decided below.
            ClientCertificateRequired = tls.RequireClientCertificate || tls.ClientCertificates.Count > 0 || tls.ClientCaPath is not null,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            // Revocation lists of an HSCN or private CA are rarely reachable from a pod; a compromised sender is cut
            // off by revoking its binding here (Revoked=true), which takes effect on reload.
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                var (accepted, publisher) = Decide(certificate is null ? null : certificate as X509Certificate2 ?? new X509Certificate2(certificate), errors);
                peer = new MllpPeer(publisher);
                return accepted;
            },
        };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(tls.HandshakeTimeout);
            await ssl.AuthenticateAsServerAsync(serverOptions, timeout.Token);
            return (ssl, peer);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether a client certificate (or its absence) is accepted, and the publisher it is bound to.</summary>
    internal (bool Accepted, PublisherIdentity? Publisher) Decide(X509Certificate2? certificate, SslPolicyErrors errors)
    {
        var tls = Tls;
        if (certificate is null)
        {
            return (!tls.RequireClientCertificate, null);
        }

        var sha256 = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var sha1 = certificate.Thumbprint;
        foreach (var (id, binding) in tls.ClientCertificates)
        {
            if (MllpClientCertificate.Normalise(binding.Thumbprint) is { } pinned
                && (string.Equals(pinned, sha256, StringComparison.OrdinalIgnoreCase) || string.Equals(pinned, sha1, StringComparison.OrdinalIgnoreCase)))
            {
                // Pinned: the exact certificate was configured, so no chain is needed (self-signed senders), only its dates.
                return binding.Revoked || !InDate(certificate) ? (false, null) : (true, new PublisherIdentity(id, binding.OdsCode));
            }
        }

        var trusted = IsTrusted(certificate, errors, tls);
        foreach (var (id, binding) in tls.ClientCertificates)
        {
            if (binding.Subject is { } subject && SameName(subject, certificate.SubjectName))
            {
                // A subject is only as good as the CA that vouches for it.
                return binding.Revoked || !trusted ? (false, null) : (true, new PublisherIdentity(id, binding.OdsCode));
            }
        }

        // A trusted certificate bound to no publisher secures the line; the API key in MSH-8 then says who sends.
        return (trusted, null);
    }

    private static bool InDate(X509Certificate2 certificate)
    {
        var now = DateTime.UtcNow;
        return certificate.NotBefore.ToUniversalTime() <= now && now <= certificate.NotAfter.ToUniversalTime();
    }

    private static bool SameName(string configured, X500DistinguishedName actual)
    {
        try
        {
            return string.Equals(new X500DistinguishedName(configured).Name, actual.Name, StringComparison.OrdinalIgnoreCase);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool IsTrusted(X509Certificate2 certificate, SslPolicyErrors errors, MllpTlsOptions tls)
    {
        if (tls.ClientCaPath is null)
        {
            return errors == SslPolicyErrors.None;
        }

        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(tls.ClientCaPath);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        try
        {
            return chain.Build(certificate);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    internal static SslStreamCertificateContext LoadServerCertificate(MllpTlsOptions tls)
    {
        var path = tls.CertificatePath ?? throw new InvalidOperationException("Gateway:MllpTls:CertificatePath is not set.");
        if (Path.GetExtension(path).ToLowerInvariant() is ".pfx" or ".p12")
        {
            var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, tls.CertificatePassword);
            var leaf = all.Cast<X509Certificate2>().FirstOrDefault(c => c.HasPrivateKey)
                ?? throw new InvalidOperationException("Gateway:MllpTls:CertificatePath holds no certificate with a private key.");
            return SslStreamCertificateContext.Create(leaf, new X509Certificate2Collection(all.Cast<X509Certificate2>().Where(c => c != leaf).ToArray()), offline: true);
        }

        using var pem = X509Certificate2.CreateFromPemFile(path, tls.CertificateKeyPath);
        // A PEM key is ephemeral, which SslStream cannot use on every platform; a PKCS#12 round trip makes it a stored one.
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(path);
        var intermediates = new X509Certificate2Collection(chain.Cast<X509Certificate2>().Where(c => c.Thumbprint != certificate.Thumbprint).ToArray());
        return SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
    }
}
