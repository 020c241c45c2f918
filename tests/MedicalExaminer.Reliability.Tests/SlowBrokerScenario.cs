using System.Globalization;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>Fault matrix: slow broker — every broker answers late for a few seconds.</summary>
public sealed class SlowBrokerScenario(PostgresFixture postgres, KafkaClusterFixture kafka) : IClassFixture<KafkaClusterFixture>
{
    [Theory]
    [MemberData(nameof(FaultMatrix.Seeds), MemberType = typeof(FaultMatrix))]
    public async Task slow_broker_loses_and_duplicates_no_case(int seed) =>
        await IntakeRun.RunAsync("slow broker", seed, postgres, kafka, async (pipeline, _) =>
        {
            var rtt = pipeline.Random.Between(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1000));
            var span = pipeline.Random.Between(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
            try
            {
                for (var broker = 1; broker <= kafka.Cluster.BrokerCount; broker++)
                {
                    kafka.Cluster.SetBrokerRoundTripTime(broker, rtt);
                }

                await Task.Delay(span);
            }
            finally
            {
                for (var broker = 1; broker <= kafka.Cluster.BrokerCount; broker++)
                {
                    kafka.Cluster.SetBrokerRoundTripTime(broker, TimeSpan.Zero);
                }
            }

            return string.Create(CultureInfo.InvariantCulture, $"rtt {rtt.TotalMilliseconds:0}ms for {span.TotalSeconds:0.0}s");
        });
}
