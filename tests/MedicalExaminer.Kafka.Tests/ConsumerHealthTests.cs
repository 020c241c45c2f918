using MedicalExaminer.Contracts;
using MedicalExaminer.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedicalExaminer.Kafka.Tests;

public sealed class ConsumerHealthTests(KafkaClusterFixture kafka)
{
    [Fact]
    public async Task readiness_is_healthy_while_the_consume_loop_runs_and_unhealthy_once_it_stops()
    {
        var topic = kafka.CreateTopic("health", partitions: 1);
        var host = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, KafkaClusterFixture.NewGroupId("health"), new ScriptedHandler());
        await using (host)
        {
            HealthReport? report = null;
            await Poll.UntilAsync(
                () => (report = host.CheckHealthAsync().GetAwaiter().GetResult()).Status == HealthStatus.Healthy,
                "readiness turns healthy once the loop beats");

            await host.StopAsync();

            report = await host.CheckHealthAsync();
            Assert.Equal(HealthStatus.Unhealthy, report.Status);
            Assert.Contains(report.Entries.Values, entry => entry.Tags.Contains(HealthTags.Ready));
        }
    }

    [Fact]
    public async Task a_heartbeat_older_than_the_timeout_is_unhealthy()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var heartbeat = new ConsumerHeartbeat(clock);
        var check = new ConsumerHeartbeatHealthCheck(heartbeat, TimeSpan.FromSeconds(60));
        var context = new HealthCheckContext();

        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);

        heartbeat.Beat();
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);

        heartbeat.Beat();
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
