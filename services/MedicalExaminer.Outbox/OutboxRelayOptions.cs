using System.ComponentModel.DataAnnotations;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Outbox;

/// <summary>Settings of the outbox relay (section <c>Outbox</c>).</summary>
public sealed class OutboxRelayOptions
{
    public const string Section = "Outbox";

    /// <summary>The schema whose <c>outbox</c> table is relayed (each bounded context owns its own).</summary>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]*$")]
    public string Schema { get; set; } = "casework";

    [Required]
    public string Topic { get; set; } = Topics.CaseEvents;

    /// <summary>
    /// The <c>schema</c> header on every published message: what the payload column of this outbox holds
    /// (case events in <c>casework</c>, family-notification events in <c>family</c>).
    /// </summary>
    [Required]
    public string SchemaId { get; set; } = SchemaIds.CaseEventV1;

    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>How long to wait when nothing is pending (or another relay holds the lease).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Published rows older than this are deleted; the durable history lives elsewhere.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);
}
