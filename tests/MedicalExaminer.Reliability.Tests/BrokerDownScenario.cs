using System.Globalization;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>Fault matrix: broker down and back — the leader of every notification partition goes down for some seconds.</summary>
public sealed class BrokerDownScenario(PostgresFixture postgres, KafkaClusterFixture kafka) : IClassFixture<KafkaClusterFixture>
{
    [Theory]
    [MemberData(nameof(FaultMatrix.Seeds), MemberType = typeof(FaultMatrix))]
    public async Task broker_down_and_back_loses_and_duplicates_no_case_and_consumers_resume(int seed) =>
        await IntakeRun.RunAsync("broker down and back", seed, postgres, kafka, async (pipeline, _) =>
        {
            var leader = pipeline.Random.Next(1, kafka.Cluster.BrokerCount + 1);
            for (var partition = 0; partition < 3; partition++)
            {
                kafka.Cluster.SetPartitionLeader(pipeline.NotificationTopic, partition, leader);
            }

            var outage = pipeline.Random.Between(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
            kafka.Cluster.SetBrokerDown(leader);
            try
            {
                // The outage itself: a span during which the leader refuses every connection.
                await Task.Delay(outage);
            }
            finally
            {
                kafka.Cluster.SetBrokerUp(leader);
            }

            return string.Create(CultureInfo.InvariantCulture, $"broker {leader} down {outage.TotalSeconds:0.0}s");
        });
}
