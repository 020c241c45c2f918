using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading.RateLimiting;
using MedicalExaminer.Domain;
using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Gateway.Publishing;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Gateway.Mllp;

/// <summary>
/// HL7 v2 over MLLP (minimal lower layer protocol): each message framed as 0x0B … 0x1C 0x0D on a TCP
/// connection, answered in the same frame with an ACK (AA) or a NAK (AE: fix the content; AR: not
/// processed, resend later or fix the header). A connection carries one message at a time, in order.
/// MLLP has no headers, so the publisher's API key travels in MSH-8 (Security), which the ACK never echoes; over TLS
/// (<see cref="MllpTlsOptions"/>) a client certificate bound to a publisher says who sends instead.
/// </summary>
public sealed partial class MllpListener(
    IOptions<GatewayOptions> options,
    NotificationReader reader,
    NotificationPublisher publisher,
    ApiKeyDirectory keys,
    MllpTlsAuthenticator tls,
    ILogger<MllpListener> logger) : BackgroundService
{
    public const byte StartBlock = 0x0B;
    public const byte EndBlock = 0x1C;
    public const byte CarriageReturn = 0x0D;

    /// <summary>A frame may exceed a notification's limit a little (MLLP framing, segment terminators); beyond this the connection is dropped.</summary>
    private const int MaxFrameBytes = DeathNotificationParser.MaxMessageBytes + 1024;

    private const int Oversize = -2;
    private const long MaxDiscardBytes = 16L * 1024 * 1024;

    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The HTTP endpoint's limiter is ASP.NET Core's middleware; MLLP has no HTTP pipeline, so it takes the
    // same token bucket per publisher from System.Threading.RateLimiting directly (a budget of its own).
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(publisher => RateLimitPartition.GetTokenBucketLimiter(
        publisher, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.RateLimit.Burst,
            TokensPerPeriod = options.Value.RateLimit.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Where the listener listens, once it does (port 0 in configuration picks a free one).</summary>
    public Task<IPEndPoint> BoundEndPoint => _bound.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.MllpEnabled)
        {
            return;
        }

        if (tls.Enabled)
        {
            tls.EnsureLoaded();
        }

        var listener = new TcpListener(IPAddress.Parse(options.Value.MllpAddress), options.Value.MllpPort);
        listener.Start();
        _bound.TrySetResult((IPEndPoint)listener.LocalEndpoint);
        LogListening(logger, listener.LocalEndpoint.ToString() ?? "?", tls.Enabled ? "TLS" : "plain TCP");
        var connections = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stoppingToken);
                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(ServeAsync(client, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            listener.Stop();
            await Task.WhenAll(connections);
            _limiter.Dispose();
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stoppingToken)
    {
        using var _ = client;
        Stream? secured = null;
        try
        {
            Stream stream = client.GetStream();
            var peer = MllpPeer.Plain;
            if (tls.Enabled)
            {
                try
                {
                    (secured, peer) = await tls.AuthenticateAsync(stream, stoppingToken);
                    stream = secured;
                }
                catch (Exception ex) when ((ex is AuthenticationException or IOException or OperationCanceledException) && !stoppingToken.IsCancellationRequested)
                {
                    // No certificate where one is required, one neither pinned nor trusted, a revoked binding, plain MLLP
                    // on the TLS port, or a handshake past its time: nothing was framed, so there is nothing to answer.
                    LogHandshakeFailed(logger, ex.GetType().Name);
                    return;
                }
            }

            // Frames are read a byte at a time to find their ends: buffered, that costs no system call per byte.
            var input = new BufferedStream(stream, 16 * 1024);
            var buffer = new byte[MaxFrameBytes];
            while (!stoppingToken.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                idle.CancelAfter(options.Value.MllpIdleTimeout);
                var length = await ReadFrameAsync(input, buffer, idle.Token);
                if (length == Oversize)
                {
                    // The rest of the frame cannot be told from the next one: say why, then close.
                    await WriteAsync(stream, Hl7Acknowledgement.Build(null, Hl7Acknowledgement.Rejected, "refused", ValidationErrorCodes.Oversize, "$", "100"), Hl7Text.Utf8, stoppingToken);
                    return;
                }

                if (length < 0)
                {
                    return; // closed by the peer, idle, or framing broken: nothing sensible to answer
                }

                var (reply, charset) = await HandleAsync(buffer.AsMemory(0, length), peer, stoppingToken);
                await WriteAsync(stream, reply, charset, stoppingToken);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            // The peer went away or we are stopping; the sender resends what it has no ACK for.
        }
        finally
        {
            if (secured is not null)
            {
                await secured.DisposeAsync();
            }
        }
    }

    private static async Task WriteAsync(Stream stream, string reply, Hl7Text.Charset charset, CancellationToken cancellationToken)
    {
        // The reply in the character set the message came in, so that the sender reads back what it sent (its
        // control id, its names); a character that set cannot hold becomes "?". Never the char count: in UTF-8 a
        // character may take up to four bytes (the missing ACK of issue 16 was a frame sized by characters).
        var encoding = charset == Hl7Text.Utf8 ? Encoding.UTF8 : charset.Encoding;
        var payload = encoding.GetBytes(reply);
        var framed = new byte[payload.Length + 3];
        framed[0] = StartBlock;
        payload.CopyTo(framed, 1);
        framed[^2] = EndBlock;
        framed[^1] = CarriageReturn;
        await stream.WriteAsync(framed, cancellationToken);
    }

    /// <returns>The payload length of the next frame; -1 at end of stream, on timeout or on a broken frame; <see cref="Oversize"/> for one over the limit.</returns>
    private static async Task<int> ReadFrameAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var one = new byte[1];
        try
        {
            // Anything before the start block (stray bytes, keep-alive newlines) is skipped.
            do
            {
                if (await stream.ReadAsync(one, cancellationToken) == 0)
                {
                    return -1;
                }
            }
            while (one[0] != StartBlock);

            var length = 0;
            while (true)
            {
                if (await stream.ReadAsync(one, cancellationToken) == 0)
                {
                    return -1;
                }

                if (one[0] == EndBlock)
                {
                    return await stream.ReadAsync(one, cancellationToken) == 1 && one[0] == CarriageReturn ? length : -1;
                }

                if (length == buffer.Length)
                {
                    return await DiscardRestOfFrameAsync(stream, cancellationToken);
                }

                buffer[length++] = one[0];
            }
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
    }

    /// <summary>
    /// The answer to one well-framed message: always an acknowledgement that parses (AA, AE or AR), whatever the
    /// frame holds, in the character set the message declared (MSH-18), with its MSH-10 echoed where it can be read.
    /// </summary>
    /// <summary>
    /// Reads an oversize frame to its end without keeping it, so that the NAK is read by the sender rather than lost
    /// to a connection reset (closing a socket with unread input resets it); bounded, as is the wait.
    /// </summary>
    private static async Task<int> DiscardRestOfFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var chunk = new byte[1];
        for (long read = 0; read < MaxDiscardBytes; read++)
        {
            if (await stream.ReadAsync(chunk, cancellationToken) == 0)
            {
                return -1;
            }

            if (chunk[0] == EndBlock)
            {
                return await stream.ReadAsync(chunk, cancellationToken) == 1 && chunk[0] == CarriageReturn ? Oversize : -1;
            }
        }

        return -1;
    }

    /// <param name="peer">What the TLS handshake established: a certificate bound to a publisher sends as that publisher, and MSH-8 is not read.</param>
    internal async Task<(string Reply, Hl7Text.Charset Charset)> HandleAsync(ReadOnlyMemory<byte> frame, MllpPeer peer, CancellationToken cancellationToken)
    {
        Er7Message? message = null;
        var charset = Hl7Text.Utf8;
        try
        {
            message = NotificationReader.ParseEr7(frame.Span, null, out charset);
            var presentedKey = message.Header.Value(8);
            var publisherIdentity = peer.CertificatePublisher ?? (presentedKey is { } key ? keys.Find(key) : null);
            if (peer.CertificatePublisher is { } bound && presentedKey is not null && keys.Find(presentedKey)?.Id != bound.Id)
            {
                // A key beside a bound certificate must be the same publisher's: two identities on one message is a misconfigured sender.
                return (Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Rejected, "MSH-8 is not the certificate's publisher", GatewayErrorCodes.Unauthenticated, "MSH-8", "207", charset), charset);
            }

            if (publisherIdentity is null)
            {
                return (Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Rejected, "unauthenticated", GatewayErrorCodes.Unauthenticated, "MSH-8", "207", charset), charset);
            }

            using var lease = _limiter.AttemptAcquire(publisherIdentity.Id);
            if (!lease.IsAcquired)
            {
                var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                return (Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Rejected, $"rate limited: retry after {retry} s", GatewayErrorCodes.RateLimited, "MSH", "207", charset), charset);
            }

            var contractJson = reader.MapHl7(message, publisherIdentity);
            var outcome = await publisher.PublishAsync(contractJson, publisherIdentity, NotificationReader.Hl7, cancellationToken);
            return (outcome.Status switch
            {
                PublishStatus.Accepted => Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Accepted, outcome.NotificationId, charset: charset),
                PublishStatus.Unavailable => Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Rejected, "not published: resend", GatewayErrorCodes.PublishFailed, "MSH", "207", charset),
                // The connection's certificate says who sends; a sending facility naming another publisher is not a
                // content error to fix field by field but a message on the wrong line: rejected, never published.
                PublishStatus.OtherOdsCode when peer.CertificatePublisher is not null => Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Rejected,
                    "sending facility is not the certificate's publisher", GatewayErrorCodes.OtherOdsCode, "MSH-4", "207", charset),
                _ => Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Error, "refused", outcome.Errors[0].Code, outcome.Errors[0].Field, Hl7Acknowledgement.Hl7ErrorCodeOf(outcome.Errors[0].Code), charset),
            }, charset);
        }
        catch (NotificationRejectedException ex)
        {
            // A message whose header could not be read, or whose type or version is not ours, is rejected (AR);
            // one that is ours but wrong in content is an error (AE). An unreadable message still gets its
            // control id back where the header can be made out, so the sender can match the NAK to what it sent.
            var header = ex.Code is GatewayErrorCodes.UnsupportedMessageType or GatewayErrorCodes.UnsupportedVersion || message is null;
            var request = message ?? Er7Parser.TryParseHeader(frame.Span);
            return (Hl7Acknowledgement.Build(request, header ? Hl7Acknowledgement.Rejected : Hl7Acknowledgement.Error, "refused", ex.Code, ex.Field, Hl7Acknowledgement.Hl7ErrorCodeOf(ex.Code), charset), charset);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never a connection closed without an answer: an MLLP sender would resend the message forever.
            LogUnexpected(logger, ex.GetType().Name);
            return (Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Rejected, "not processed: resend", GatewayErrorCodes.PublishFailed, "MSH", "207", charset), charset);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An MLLP message could not be handled ({ExceptionType}); answered AR")]
    private static partial void LogUnexpected(ILogger logger, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "MLLP listener on {EndPoint} ({Transport})")]
    private static partial void LogListening(ILogger logger, string endPoint, string transport);

    [LoggerMessage(Level = LogLevel.Information, Message = "An MLLP TLS handshake failed ({ExceptionType}); connection closed")]
    private static partial void LogHandshakeFailed(ILogger logger, string exceptionType);
}
