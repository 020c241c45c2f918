using Confluent.Kafka;
using MedicalExaminer.Kafka.Embedded;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>Fault matrix: request errors — the brokers fail produce, fetch and offset-commit requests with retriable errors.</summary>
public sealed class RequestErrorScenario(PostgresFixture postgres, KafkaClusterFixture kafka) : IClassFixture<KafkaClusterFixture>
{
    /// <summary>Retriable errors per request type, and the longest run of them pushed at once.</summary>
    /// <remarks>
    /// Produce: partition-level errors one per wave (three waves: never four in a row, however the waves fall) — four
    /// in a row make the mock cluster itself lose acknowledged messages (see <see cref="MockProduceErrorTests"/>) — and
    /// dropped connections in any number.
    /// </remarks>
    private static readonly (KafkaApiKey Api, ErrorCode[] Errors, int MaxBurst)[] Retriable =
    [
        (KafkaApiKey.Produce, [ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas], 1),
        (KafkaApiKey.Produce, [ErrorCode.Local_Transport], 6),
        (KafkaApiKey.Fetch, [ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.Local_Transport], 6),
        (KafkaApiKey.OffsetCommit, [ErrorCode.NotCoordinatorForGroup, ErrorCode.GroupLoadInProgress, ErrorCode.RequestTimedOut], 6),
    ];

    [Theory]
    [MemberData(nameof(FaultMatrix.Seeds), MemberType = typeof(FaultMatrix))]
    public async Task request_errors_on_produce_fetch_and_commit_lose_and_duplicate_no_case(int seed) =>
        await IntakeRun.RunAsync("request errors", seed, postgres, kafka, async (pipeline, _) =>
        {
            var injected = new List<string>();
            try
            {
                // Waves 0.7 s apart, so errors land early and late in the stream, on every client.
                for (var wave = 0; wave < 3; wave++)
                {
                    // Each wave: one burst on Produce (of either kind), one on Fetch, one on OffsetCommit.
                    foreach (var choices in (IEnumerable<(KafkaApiKey Api, ErrorCode[] Errors, int MaxBurst)>[])[Retriable[..2], Retriable[2..3], Retriable[3..]])
                    {
                        var candidates = choices.ToArray();
                        var (api, errors, maxBurst) = candidates[pipeline.Random.Next(candidates.Length)];
                        var burst = Enumerable.Range(0, pipeline.Random.Next(1, maxBurst + 1)).Select(_ => errors[pipeline.Random.Next(errors.Length)]).ToArray();
                        // A burst left over from the last wave would lengthen this one's run of errors.
                        kafka.Cluster.ClearRequestErrors(api);
                        kafka.Cluster.PushRequestErrors(api, burst);
                        injected.Add($"{api}:{string.Join("+", burst)}");
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(700));
                }
            }
            finally
            {
                // Errors not consumed by the end of the span are not left for the next run of this cluster.
                foreach (var api in Retriable.Select(r => r.Api).Distinct())
                {
                    kafka.Cluster.ClearRequestErrors(api);
                }
            }

            return $"injected {string.Join(" ", injected)}";
        });
}
