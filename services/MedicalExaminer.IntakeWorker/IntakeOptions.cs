using System.ComponentModel.DataAnnotations;

namespace MedicalExaminer.IntakeWorker;

/// <summary>Settings of the intake worker (configuration section <c>Intake</c>).</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>How long the routing directory of ME offices is cached.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan OfficeRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
