namespace MedicalExaminer.Cli.Tests;

/// <summary>A clock stopped at one instant, so generated streams (dates of death relative to now) repeat exactly.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    public static FixedClock Instance { get; } = new(Now);

    public override DateTimeOffset GetUtcNow() => now;
}
