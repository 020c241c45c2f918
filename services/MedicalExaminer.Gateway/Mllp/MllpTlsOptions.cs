using System.ComponentModel.DataAnnotations;

namespace MedicalExaminer.Gateway.Mllp;

/// <summary>
/// TLS on the MLLP listener (section <c>Gateway:MllpTls</c>). MLLP itself is plain TCP: on HSCN it is usually run
/// inside TLS, the sending interface engine presenting a client certificate that names its system. The server
/// certificate is a PKCS#12 file (with <see cref="CertificatePassword"/>) or PEM (certificate, then the key in
/// <see cref="CertificateKeyPath"/> or in the same file), e.g. a Kubernetes <c>kubernetes.io/tls</c> secret.
/// </summary>
public sealed class MllpTlsOptions : IValidatableObject
{
    /// <summary>Whether the listener speaks TLS; then every connection must (no plain MLLP beside it on the port).</summary>
    public bool Enabled { get; set; }

    /// <summary>The server certificate: <c>.pfx</c>/<c>.p12</c> (PKCS#12), else PEM.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PKCS#12 file's password; from a secret, never a ConfigMap.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key, when it is not in <see cref="CertificatePath"/>.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Whether a connection without a client certificate is refused at the handshake.</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>
    /// PEM bundle of the certificate authorities that issue client certificates; a client certificate bound by subject
    /// must chain to one of them (with none set, to the system's trust store). A certificate bound by thumbprint is
    /// pinned and needs no chain.
    /// </summary>
    public string? ClientCaPath { get; set; }

    /// <summary>How long a TLS handshake may take before the connection is closed (1 s to 5 min).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Client certificates bound to a publisher, by publisher id: a connection with one sends as that publisher.</summary>
    public Dictionary<string, MllpClientCertificate> ClientCertificates { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HandshakeTimeout < TimeSpan.FromSeconds(1) || HandshakeTimeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("Gateway:MllpTls:HandshakeTimeout must be between 1 s and 5 min.", [nameof(HandshakeTimeout)]);
        }

        if (Enabled && string.IsNullOrWhiteSpace(CertificatePath))
        {
            yield return new ValidationResult("Gateway:MllpTls:CertificatePath is required when Gateway:MllpTls:Enabled is true.", [nameof(CertificatePath)]);
        }

        foreach (var (path, key) in new[] { (CertificatePath, nameof(CertificatePath)), (CertificateKeyPath, nameof(CertificateKeyPath)), (ClientCaPath, nameof(ClientCaPath)) })
        {
            if (Enabled && !string.IsNullOrWhiteSpace(path) && !File.Exists(path))
            {
                // The path only: it names a mount, never a secret.
                yield return new ValidationResult($"Gateway:MllpTls:{key} names no file ({path}).", [key]);
            }
        }

        if (!Enabled && (RequireClientCertificate || ClientCertificates.Count > 0))
        {
            yield return new ValidationResult("Gateway:MllpTls: client certificates need Gateway:MllpTls:Enabled.", [nameof(Enabled)]);
        }

        foreach (var (id, binding) in ClientCertificates)
        {
            var thumbprint = MllpClientCertificate.Normalise(binding.Thumbprint);
            if (thumbprint is null == string.IsNullOrWhiteSpace(binding.Subject))
            {
                yield return new ValidationResult($"Gateway:MllpTls:ClientCertificates:{id} needs exactly one of Thumbprint and Subject.", [nameof(ClientCertificates)]);
            }

            if (thumbprint is not null && (thumbprint.Length is not (40 or 64) || !thumbprint.All(char.IsAsciiHexDigit)))
            {
                yield return new ValidationResult($"Gateway:MllpTls:ClientCertificates:{id}:Thumbprint must be a SHA-256 (64) or SHA-1 (40) hexadecimal thumbprint.", [nameof(ClientCertificates)]);
            }

            if (string.IsNullOrWhiteSpace(binding.OdsCode))
            {
                yield return new ValidationResult($"Gateway:MllpTls:ClientCertificates:{id}:OdsCode is required.", [nameof(ClientCertificates)]);
            }
        }
    }
}

/// <summary>A client certificate, by thumbprint or by subject, bound to the ODS code its publisher may send for.</summary>
public sealed class MllpClientCertificate
{
    /// <summary>SHA-256 or SHA-1 thumbprint, hexadecimal (colons and spaces ignored): the certificate is pinned.</summary>
    public string? Thumbprint { get; set; }

    /// <summary>Distinguished name as .NET writes it (<c>CN=leeds-tie, O=Leeds Teaching Hospitals</c>); the certificate must chain to a trusted CA.</summary>
    public string? Subject { get; set; }

    public string OdsCode { get; set; } = "";

    /// <summary>A revoked binding refuses the certificate at the handshake but stays listed, naming the publisher.</summary>
    public bool Revoked { get; set; }

    internal static string? Normalise(string? thumbprint) =>
        string.IsNullOrWhiteSpace(thumbprint) ? null : string.Concat(thumbprint.Where(c => c is not (':' or ' ' or '-'))).ToUpperInvariant();
}
