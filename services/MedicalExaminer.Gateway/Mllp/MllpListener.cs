using System.Net;
using System.Net.Sockets;
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
/// MLLP has no headers, so the publisher's API key travels in MSH-8 (Security), which the ACK never echoes.
/// </summary>
public sealed partial class MllpListener(
    IOptions<GatewayOptions> options,
    NotificationReader reader,
    NotificationPublisher publisher,
    ApiKeyDirectory keys,
    ILogger<MllpListener> logger) : BackgroundService
{
    public const byte StartBlock = 0x0B;
    public const byte EndBlock = 0x1C;
    public const byte CarriageReturn = 0x0D;

    /// <summary>A frame may exceed a notification's limit a little (MLLP framing, segment terminators); beyond this the connection is dropped.</summary>
    private const int MaxFrameBytes = DeathNotificationParser.MaxMessageBytes + 1024;

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

        var listener = new TcpListener(IPAddress.Parse(options.Value.MllpAddress), options.Value.MllpPort);
        listener.Start();
        _bound.TrySetResult((IPEndPoint)listener.LocalEndpoint);
        LogListening(logger, listener.LocalEndpoint.ToString() ?? "?");
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
        try
        {
            var stream = client.GetStream();
            // Frames are read a byte at a time to find their ends: buffered, that costs no system call per byte.
            var input = new BufferedStream(stream, 16 * 1024);
            var buffer = new byte[MaxFrameBytes];
            while (!stoppingToken.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                idle.CancelAfter(options.Value.MllpIdleTimeout);
                var length = await ReadFrameAsync(input, buffer, idle.Token);
                if (length < 0)
                {
                    return; // closed by the peer, idle, or framing broken: nothing sensible to answer
                }

                var reply = await HandleAsync(buffer.AsMemory(0, length), stoppingToken);
                var framed = new byte[reply.Length + 3];
                framed[0] = StartBlock;
                Encoding.UTF8.GetBytes(reply, framed.AsSpan(1));
                framed[^2] = EndBlock;
                framed[^1] = CarriageReturn;
                await stream.WriteAsync(framed, stoppingToken);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            // The peer went away or we are stopping; the sender resends what it has no ACK for.
        }
    }

    /// <returns>The payload length of the next frame, or -1 at end of stream, on timeout or on a broken or oversize frame.</returns>
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
                    return -1;
                }

                buffer[length++] = one[0];
            }
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
    }

    internal async Task<string> HandleAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        Er7Message? message = null;
        try
        {
            message = NotificationReader.ParseEr7(frame.Span);
            var publisherIdentity = message.Header.Value(8) is { } key ? keys.Find(key) : null;
            if (publisherIdentity is null)
            {
                return Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Rejected, "unauthenticated", GatewayErrorCodes.Unauthenticated, "MSH-8", "207");
            }

            using var lease = _limiter.AttemptAcquire(publisherIdentity.Id);
            if (!lease.IsAcquired)
            {
                var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                return Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Rejected, $"rate limited: retry after {retry} s", GatewayErrorCodes.RateLimited, "MSH", "207");
            }

            var contractJson = reader.MapHl7(message);
            var outcome = await publisher.PublishAsync(contractJson, publisherIdentity, NotificationReader.Hl7, cancellationToken);
            return outcome.Status switch
            {
                PublishStatus.Accepted => Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Accepted, outcome.NotificationId),
                PublishStatus.Unavailable => Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Rejected, "not published: resend", GatewayErrorCodes.PublishFailed, "MSH", "207"),
                _ => Hl7Acknowledgement.Build(message, Hl7Acknowledgement.Error, "refused", outcome.Errors[0].Code, outcome.Errors[0].Field, Hl7Acknowledgement.Hl7ErrorCodeOf(outcome.Errors[0].Code)),
            };
        }
        catch (NotificationRejectedException ex)
        {
            // A message whose header could not be read, or whose type or version is not ours, is rejected (AR);
            // one that is ours but wrong in content is an error (AE).
            var header = ex.Code is GatewayErrorCodes.UnsupportedMessageType or GatewayErrorCodes.UnsupportedVersion || message is null;
            return Hl7Acknowledgement.Build(message, header ? Hl7Acknowledgement.Rejected : Hl7Acknowledgement.Error, "refused", ex.Code, ex.Field, Hl7Acknowledgement.Hl7ErrorCodeOf(ex.Code));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MLLP listener on {EndPoint}")]
    private static partial void LogListening(ILogger logger, string endPoint);
}
