using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedicalExaminer.Kafka;

/// <summary>
/// The consume loop's heartbeat. Readiness reflects it: a loop that died or hangs takes the pod out of
/// service instead of leaving a live pod with a dead consumer.
/// </summary>
public sealed class ConsumerHeartbeat(TimeProvider clock)
{
    private long _lastBeatTicks;

    // Written by the consume loop, read by health checks on other threads.
    private volatile bool _stopped;

    public DateTimeOffset? LastBeat => Interlocked.Read(ref _lastBeatTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public bool Stopped => _stopped;

    public void Beat()
    {
        _stopped = false;
        Interlocked.Exchange(ref _lastBeatTicks, clock.GetUtcNow().UtcTicks);
    }

    public void Stop() => _stopped = true;

    internal TimeProvider Clock => clock;
}

public sealed class ConsumerHeartbeatHealthCheck(ConsumerHeartbeat heartbeat, TimeSpan timeout) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var last = heartbeat.LastBeat;
        if (heartbeat.Stopped || last is null)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(heartbeat.Stopped ? "consume loop stopped" : "consume loop not started"));
        }

        var age = heartbeat.Clock.GetUtcNow() - last.Value;
        return Task.FromResult(age <= timeout
            ? HealthCheckResult.Healthy($"last heartbeat {age.TotalSeconds:F0} s ago")
            : HealthCheckResult.Unhealthy($"no heartbeat for {age.TotalSeconds:F0} s"));
    }
}
