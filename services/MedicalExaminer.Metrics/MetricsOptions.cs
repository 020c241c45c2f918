using System.ComponentModel.DataAnnotations;

namespace MedicalExaminer.Metrics;

/// <summary>Settings of the metrics service (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string Section = "Metrics";

    /// <summary>
    /// The ME offices as the regulator filters them (name and region). The metrics context keeps its own
    /// reference rather than reading casework's: an office seen in events but missing here still counts,
    /// under its id and without a region.
    /// </summary>
    public List<OfficeReference> Offices { get; set; } = [];

    /// <summary>
    /// Development only: the dashboard's sign-in page lists the demo users and signs in as one without a
    /// password. Production signs in through the organisation's OIDC provider instead.
    /// </summary>
    public bool DemoSignIn { get; set; }

    /// <summary>Where snapshots go.</summary>
    [Required]
    public string SnapshotTopic { get; set; } = Contracts.Topics.ScrutinyMetrics;

    /// <summary>How often the current figures are published to the snapshot topic; zero turns publishing off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How many months back (including the current one) each snapshot covers.</summary>
    [Range(1, 60)]
    public int SnapshotMonths { get; set; } = 13;

    /// <summary>The widest window one request may ask for, in months.</summary>
    [Range(1, 240)]
    public int MaxMonthsPerRequest { get; set; } = 60;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var office in Offices)
        {
            if (string.IsNullOrWhiteSpace(office.Id) || string.IsNullOrWhiteSpace(office.Name))
            {
                yield return new ValidationResult("Every Metrics:Offices entry needs an Id and a Name.", [nameof(Offices)]);
            }
        }

        var duplicate = Offices.GroupBy(o => o.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            yield return new ValidationResult($"Metrics:Offices lists {duplicate.Key} more than once.", [nameof(Offices)]);
        }
    }
}

/// <summary>An ME office as the metrics context knows it.</summary>
public sealed class OfficeReference
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Region { get; set; }
}
