using System.ComponentModel.DataAnnotations;

namespace MedicalExaminer.Casework;

/// <summary>Settings of the scrutiny workflow (section <c>Scrutiny</c>).</summary>
public sealed class WorkflowOptions
{
    public const string Section = "Scrutiny";

    /// <summary>
    /// How often assignments idle past their office's limit are ended (and their <c>CaseReleased</c> events written).
    /// Assignments lapse only in offices that set <c>casework.offices.assignment_idle_hours</c>; by default none do.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan LapseSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 500)]
    public int MaxPageSize { get; set; } = 100;
}
