using Confluent.Kafka;
using MedicalExaminer.Kafka.Embedded;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>Fault matrix: request errors — the brokers fail produce, fetch and offset-commit requests with retriable errors.</summary>
public sealed class RequestErrorScenario(PostgresFixture postgres, KafkaClusterFixture kafka) : IClassFixture<KafkaClusterFixture>
{
    private static readonly Dictionary<KafkaApiKey, ErrorCode[]> Retriable = new()
    {
        [KafkaApiKey.Produce] = [ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas, ErrorCode.Local_Transport],
        [KafkaApiKey.Fetch] = [ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.Local_Transport],
        [KafkaApiKey.OffsetCommit] = [ErrorCode.NotCoordinatorForGroup, ErrorCode.GroupLoadInProgress, ErrorCode.RequestTimedOut],
    };

    [Theory]
    [MemberData(nameof(FaultMatrix.Seeds), MemberType = typeof(FaultMatrix))]
    public async Task request_errors_on_produce_fetch_and_commit_lose_and_duplicate_no_case(int seed) =>
        await IntakeRun.RunAsync("request errors", seed, postgres, kafka, async (pipeline, _) =>
        {
            var injected = new List<string>();
            try
            {
                // Two waves, a second apart, so errors land both early and late in the stream.
                for (var wave = 0; wave < 2; wave++)
                {
                    foreach (var (api, errors) in Retriable)
                    {
                        var burst = Enumerable.Range(0, pipeline.Random.Next(2, 7)).Select(_ => errors[pipeline.Random.Next(errors.Length)]).ToArray();
                        kafka.Cluster.PushRequestErrors(api, burst);
                        injected.Add($"{api}x{burst.Length}");
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }
            finally
            {
                // Errors not consumed by the end of the span are not left for the next run of this cluster.
                foreach (var api in Retriable.Keys)
                {
                    kafka.Cluster.ClearRequestErrors(api);
                }
            }

            return $"injected {string.Join(",", injected)}";
        });
}
