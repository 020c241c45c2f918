using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Gateway.Mllp;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>
/// MLLP over TLS on 127.0.0.1, with certificates made in the test: a client certificate bound to a publisher sends as
/// that publisher, a sending facility naming another publisher is rejected (AR), and a certificate that is neither
/// pinned nor trusted never gets as far as a message.
/// </summary>
public sealed class MllpTlsTests(KafkaClusterFixture kafka) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("me-mllp-tls-");
    private readonly X509Certificate2 _server = Certificates.SelfSigned("CN=localhost", server: true);

    public void Dispose()
    {
        _server.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task a_pinned_client_certificate_sends_as_its_bound_publisher_without_an_api_key()
    {
        using var client = Certificates.SelfSigned("CN=leeds-tie, O=Leeds Teaching Hospitals", server: false);
        await using var gateway = await StartAsync(new()
        {
            ["Gateway:MllpTls:RequireClientCertificate"] = "true",
            ["Gateway:MllpTls:ClientCertificates:leeds-tie:Thumbprint"] = client.GetCertHashString(HashAlgorithmName.SHA256),
            ["Gateway:MllpTls:ClientCertificates:leeds-tie:OdsCode"] = GatewayHost.LeedsOds,
        });
        var notification = Samples.Valid(seed: 1601, count: 1)[0];

        var ack = await ExchangeAsync(gateway, client, AdtA03Writer.Write(notification));

        Assert.NotNull(ack);
        var msa = Er7Parser.Parse(ack).First("MSA")!;
        Assert.Equal(Hl7Acknowledgement.Accepted, msa.Value(1));
        var published = Assert.Single(Samples.Published(kafka, gateway.Topic));
        var sent = JsonSerializer.Deserialize(published.Message.Value, ContractsJsonContext.Default.DeathNotification)!;
        Assert.Equal(GatewayHost.LeedsOds, sent.PublisherOdsCode);
        Assert.Equal(notification.NotificationId, sent.NotificationId);
    }

    [Fact]
    public async Task a_sending_facility_that_is_not_the_certificates_publisher_is_rejected_AR_and_not_published()
    {
        using var client = Certificates.SelfSigned("CN=leeds-tie", server: false);
        await using var gateway = await StartAsync(new()
        {
            ["Gateway:MllpTls:ClientCertificates:leeds-tie:Thumbprint"] = client.Thumbprint,
            ["Gateway:MllpTls:ClientCertificates:leeds-tie:OdsCode"] = GatewayHost.LeedsOds,
        });
        var notification = Samples.Valid(seed: 1602, count: 1, publisherOds: GatewayHost.ManchesterOds)[0];

        var ack = await ExchangeAsync(gateway, client, AdtA03Writer.Write(notification));

        Assert.NotNull(ack);
        var parsed = Er7Parser.Parse(ack);
        Assert.Equal(Hl7Acknowledgement.Rejected, parsed.First("MSA")!.Value(1));
        Assert.Equal(notification.NotificationId, parsed.First("MSA")!.Value(2));
        Assert.Equal($"{GatewayErrorCodes.OtherOdsCode} at MSH-4", parsed.First("ERR")!.Value(8));
        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task an_api_key_of_another_publisher_beside_a_bound_certificate_is_rejected_AR()
    {
        using var client = Certificates.SelfSigned("CN=leeds-tie", server: false);
        await using var gateway = await StartAsync(new()
        {
            ["Gateway:MllpTls:ClientCertificates:leeds-tie:Thumbprint"] = client.Thumbprint,
            ["Gateway:MllpTls:ClientCertificates:leeds-tie:OdsCode"] = GatewayHost.LeedsOds,
        });
        var notification = Samples.Valid(seed: 1603, count: 1)[0];

        var ack = await ExchangeAsync(gateway, client, AdtA03Writer.Write(notification, GatewayHost.ManchesterKey));

        Assert.NotNull(ack);
        var parsed = Er7Parser.Parse(ack);
        Assert.Equal(Hl7Acknowledgement.Rejected, parsed.First("MSA")!.Value(1));
        Assert.Equal($"{GatewayErrorCodes.Unauthenticated} at MSH-8", parsed.First("ERR")!.Value(8));
        Assert.DoesNotContain(GatewayHost.ManchesterKey, ack, StringComparison.Ordinal);
        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task without_a_client_certificate_the_api_key_in_MSH_8_says_who_sends_over_a_pkcs12_server_certificate()
    {
        var pfx = Path.Combine(_directory.FullName, "server.pfx");
        await File.WriteAllBytesAsync(pfx, _server.Export(X509ContentType.Pkcs12, "pfx-password"));
        await using var gateway = await GatewayHost.StartAsync(kafka, settings: new Dictionary<string, string?>
        {
            ["Gateway:MllpTls:Enabled"] = "true",
            ["Gateway:MllpTls:CertificatePath"] = pfx,
            ["Gateway:MllpTls:CertificatePassword"] = "pfx-password",
        });
        var notification = Samples.Valid(seed: 1604, count: 1)[0];

        var ack = await ExchangeAsync(gateway, null, AdtA03Writer.Write(notification, GatewayHost.LeedsKey));

        Assert.NotNull(ack);
        Assert.Equal(Hl7Acknowledgement.Accepted, Er7Parser.Parse(ack).First("MSA")!.Value(1));
        Assert.Single(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task a_subject_binding_accepts_a_certificate_from_the_configured_ca_and_refuses_the_same_subject_self_signed()
    {
        using var ca = Certificates.Authority("CN=HSCN Test Issuing CA");
        using var issued = Certificates.IssuedBy(ca, "CN=leeds-tie, O=Leeds Teaching Hospitals");
        using var forged = Certificates.SelfSigned("CN=leeds-tie, O=Leeds Teaching Hospitals", server: false);
        var caPath = Path.Combine(_directory.FullName, "client-ca.pem");
        await File.WriteAllTextAsync(caPath, ca.ExportCertificatePem());
        await using var gateway = await StartAsync(new()
        {
            ["Gateway:MllpTls:RequireClientCertificate"] = "true",
            ["Gateway:MllpTls:ClientCaPath"] = caPath,
            ["Gateway:MllpTls:ClientCertificates:leeds-tie:Subject"] = "CN=leeds-tie, O=Leeds Teaching Hospitals",
            ["Gateway:MllpTls:ClientCertificates:leeds-tie:OdsCode"] = GatewayHost.LeedsOds,
        });
        var notifications = Samples.Valid(seed: 1605, count: 2);

        var accepted = await ExchangeAsync(gateway, issued, AdtA03Writer.Write(notifications[0]));
        var refused = await ExchangeAsync(gateway, forged, AdtA03Writer.Write(notifications[1]));

        Assert.NotNull(accepted);
        Assert.Equal(Hl7Acknowledgement.Accepted, Er7Parser.Parse(accepted).First("MSA")!.Value(1));
        Assert.Null(refused);
        var published = Assert.Single(Samples.Published(kafka, gateway.Topic));
        Assert.Equal(Samples.Key(notifications[0]), published.Message.Key);
    }

    [Fact]
    public async Task no_certificate_an_unknown_one_or_a_revoked_binding_fails_the_handshake_when_a_certificate_is_required()
    {
        using var unknown = Certificates.SelfSigned("CN=somebody", server: false);
        using var revoked = Certificates.SelfSigned("CN=leeds-old-tie", server: false);
        await using var gateway = await StartAsync(new()
        {
            ["Gateway:MllpTls:RequireClientCertificate"] = "true",
            ["Gateway:MllpTls:ClientCertificates:leeds-old:Thumbprint"] = revoked.Thumbprint,
            ["Gateway:MllpTls:ClientCertificates:leeds-old:OdsCode"] = GatewayHost.LeedsOds,
            ["Gateway:MllpTls:ClientCertificates:leeds-old:Revoked"] = "true",
        });
        var message = AdtA03Writer.Write(Samples.Valid(seed: 1606, count: 1)[0], GatewayHost.LeedsKey);

        Assert.Null(await ExchangeAsync(gateway, null, message));
        Assert.Null(await ExchangeAsync(gateway, unknown, message));
        Assert.Null(await ExchangeAsync(gateway, revoked, message));
        Assert.Null(await PlainExchangeAsync(gateway, message));
        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public void tls_settings_are_validated_on_start()
    {
        var errors = new MllpTlsOptions
        {
            Enabled = true,
            ClientCertificates = new()
            {
                ["both"] = new MllpClientCertificate { Thumbprint = new string('A', 64), Subject = "CN=x", OdsCode = "RR8" },
                ["short"] = new MllpClientCertificate { Thumbprint = "ABCD", OdsCode = "RR8" },
                ["no-ods"] = new MllpClientCertificate { Subject = "CN=y" },
            },
        }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object())).Select(e => e.ErrorMessage).ToList();

        Assert.Contains(errors, e => e!.Contains("CertificatePath is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.Contains("both needs exactly one of Thumbprint and Subject", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.Contains("short:Thumbprint must be", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.Contains("no-ods:OdsCode is required", StringComparison.Ordinal));
        Assert.Empty(new MllpTlsOptions().Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object())));
    }

    /// <summary>A gateway whose MLLP listener speaks TLS with the test's server certificate as PEM (certificate and key apart).</summary>
    private async Task<GatewayHost> StartAsync(Dictionary<string, string?> settings)
    {
        var certificatePath = Path.Combine(_directory.FullName, "tls.crt");
        var keyPath = Path.Combine(_directory.FullName, "tls.key");
        await File.WriteAllTextAsync(certificatePath, _server.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, _server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        settings["Gateway:MllpTls:Enabled"] = "true";
        settings["Gateway:MllpTls:CertificatePath"] = certificatePath;
        settings["Gateway:MllpTls:CertificateKeyPath"] = keyPath;
        return await GatewayHost.StartAsync(kafka, settings: settings);
    }

    /// <summary>One message over TLS with an optional client certificate; the ACK, or null when TLS refused the connection.</summary>
    private async Task<string?> ExchangeAsync(GatewayHost gateway, X509Certificate2? clientCertificate, string message)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.MllpEndPoint);
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var serverThumbprint = _server.GetCertHashString(HashAlgorithmName.SHA256);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                // The test pins the gateway's certificate: it was made here and chains to nothing.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString(HashAlgorithmName.SHA256) == serverThumbprint,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
            }, deadline.Token);
            return await SendFrameAsync(ssl, message, deadline.Token);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // TLS 1.3 sends the server's verdict on a client certificate after the client's handshake has completed:
            // then the first read fails (an alert) or finds the connection closed.
            return null;
        }
    }

    private static async Task<string?> PlainExchangeAsync(GatewayHost gateway, string message)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.MllpEndPoint);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            return await SendFrameAsync(tcp.GetStream(), message, deadline.Token);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <returns>The reply frame, or null when the connection closed without one.</returns>
    private static async Task<string?> SendFrameAsync(Stream stream, string message, CancellationToken cancellationToken)
    {
        await stream.WriteAsync((byte[])[MllpListener.StartBlock, .. Encoding.UTF8.GetBytes(message), MllpListener.EndBlock, MllpListener.CarriageReturn], cancellationToken);
        await stream.FlushAsync(cancellationToken);
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one, cancellationToken) == 1)
        {
            if (one[0] == MllpListener.EndBlock)
            {
                return Encoding.UTF8.GetString(bytes.ToArray());
            }

            if (one[0] != MllpListener.StartBlock)
            {
                bytes.Add(one[0]);
            }
        }

        return null;
    }
}

/// <summary>Certificates made in the test (never files of the repository): a server's, clients', a CA's.</summary>
internal static class Certificates
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public static X509Certificate2 SelfSigned(string subject, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? ServerAuthentication : ClientAuthentication)], critical: false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return Stored(certificate);
    }

    public static X509Certificate2 Authority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        return Stored(certificate);
    }

    public static X509Certificate2 IssuedBy(X509Certificate2 authority, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ClientAuthentication)], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var certificate = request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        using var withKey = certificate.CopyWithPrivateKey(key);
        return Stored(withKey);
    }

    // An ephemeral key cannot sign a TLS handshake on every platform: a PKCS#12 round trip gives a stored one.
    private static X509Certificate2 Stored(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
}
