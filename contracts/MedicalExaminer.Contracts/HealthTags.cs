namespace MedicalExaminer.Contracts;

/// <summary>Health-check tags every library and service agrees on.</summary>
public static class HealthTags
{
    /// <summary>
    /// Checks that decide readiness (<c>/health/ready</c>): the consume loop's heartbeat, the database at this build's
    /// schema version. Liveness (<c>/health/live</c>) runs none of them.
    /// </summary>
    public const string Ready = "ready";
}
