using System.Collections.Concurrent;
using MedicalExaminer.Contracts;
using MedicalExaminer.Notify;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.NotifySink;

/// <summary>A message the sink accepted, rendered as Notify would render it.</summary>
public sealed record SinkMessage(
    Guid Id,
    string? Reference,
    string Type,
    string Template,
    string Language,
    Guid TemplateId,
    string Recipient,
    string? Subject,
    string Body,
    DateTimeOffset CreatedAt,
    bool FailsPermanently);

/// <summary>
/// What the sink received, in memory. A development and test stand-in keeps no state worth a schema of its own: it
/// lives as long as the process (the dev host's run, or a test class), and a restarted notifier finds it unchanged,
/// which is what the redelivery tests need.
/// </summary>
public sealed class SinkStore(IOptionsMonitor<NotifySinkOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, SinkMessage> _messages = new();
    private readonly Dictionary<string, Guid> _byReference = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _requests;
    private long _sendRequests;

    /// <summary>Whether a repeated reference gets the earlier message back instead of a second one (Notify itself does not).</summary>
    public bool HonourReference { get; set; } = true;

    public long Requests => Interlocked.Read(ref _requests);

    public long SendRequests => Interlocked.Read(ref _sendRequests);

    public void CountRequest(bool send)
    {
        Interlocked.Increment(ref _requests);
        if (send)
        {
            Interlocked.Increment(ref _sendRequests);
        }
    }

    /// <returns>The stored message, and false when an earlier one with the same reference was returned instead.</returns>
    public (SinkMessage Message, bool Created) Add(SinkMessage message)
    {
        lock (_lock)
        {
            if (HonourReference && message.Reference is { } reference && _byReference.TryGetValue(reference, out var existing))
            {
                return (_messages[existing], false);
            }

            _messages[message.Id] = message;
            if (message.Reference is { } r)
            {
                _byReference.TryAdd(r, message.Id);
            }

            return (message, true);
        }
    }

    public SinkMessage? Find(Guid id) => _messages.TryGetValue(id, out var message) ? message : null;

    /// <summary>Newest first, as Notify lists them.</summary>
    public IReadOnlyList<SinkMessage> All() => [.. _messages.Values.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)];

    public void Clear()
    {
        lock (_lock)
        {
            _messages.Clear();
            _byReference.Clear();
        }
    }

    /// <summary>The status progression: created → sending → delivered (letters: accepted → received), or a permanent failure.</summary>
    public string StatusOf(SinkMessage message)
    {
        var age = clock.GetUtcNow() - message.CreatedAt;
        var settings = options.CurrentValue;
        if (message.Type == ContactChannels.Letter)
        {
            return age < settings.DeliveredAfter ? NotifyStatuses.Accepted : NotifyStatuses.Received;
        }

        return age < settings.SendingAfter ? NotifyStatuses.Created
            : age < settings.DeliveredAfter ? NotifyStatuses.Sending
            : message.FailsPermanently ? NotifyStatuses.PermanentFailure
            : NotifyStatuses.Delivered;
    }

    public NotificationResponse ToResponse(SinkMessage message)
    {
        var status = StatusOf(message);
        var final = NotifyStatuses.IsFinal(status);
        return new NotificationResponse(
            message.Id,
            message.Reference,
            message.Type,
            status,
            new TemplateReference(message.TemplateId, 1, $"/v2/template/{message.TemplateId:D}/version/1"),
            message.Body,
            message.Subject,
            message.CreatedAt,
            status == NotifyStatuses.Created ? null : message.CreatedAt,
            final ? message.CreatedAt + options.CurrentValue.DeliveredAfter : null,
            EmailAddress: message.Type == ContactChannels.Email ? message.Recipient : null,
            PhoneNumber: message.Type == ContactChannels.Sms ? message.Recipient : null,
            Line1: message.Type == ContactChannels.Letter ? message.Recipient : null);
    }
}

/// <summary>Switchable faults for tests: answer with an HTTP status (all requests, or the next N), and/or add latency.</summary>
public sealed class SinkFaults
{
    private readonly Lock _lock = new();
    private int? _status;
    private int? _remaining;

    public TimeSpan Latency { get; private set; }

    public void Set(int? status, int? count, TimeSpan latency)
    {
        lock (_lock)
        {
            _status = status;
            _remaining = count;
            Latency = latency;
        }
    }

    /// <summary>The status to answer this request with, or null to serve it.</summary>
    public int? Next()
    {
        lock (_lock)
        {
            if (_status is null)
            {
                return null;
            }

            if (_remaining is { } remaining)
            {
                if (remaining <= 0)
                {
                    _status = null;
                    return null;
                }

                _remaining = remaining - 1;
            }

            return _status;
        }
    }

    public object Describe()
    {
        lock (_lock)
        {
            return new { status = _status, remaining = _remaining, latencyMs = (int)Latency.TotalMilliseconds };
        }
    }
}
