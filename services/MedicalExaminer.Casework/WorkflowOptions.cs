using System.ComponentModel.DataAnnotations;

namespace MedicalExaminer.Casework;

/// <summary>Settings of the scrutiny workflow (section <c>Scrutiny</c>).</summary>
public sealed class WorkflowOptions
{
    public const string Section = "Scrutiny";

    /// <summary>A claim lapses when its holder has done nothing on the case for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often lapsed claims are released (and their <c>CaseReleased</c> events written).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan LapseSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 500)]
    public int MaxPageSize { get; set; } = 100;
}
