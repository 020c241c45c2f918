using Confluent.Kafka;
using MedicalExaminer.Kafka.Embedded;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>
/// What the request-errors scenario may inject on Produce without the mock cluster itself losing messages.
/// </summary>
/// <remarks>
/// Found by the fault matrix: with four or more partition-level errors (NotLeaderForPartition, RequestTimedOut,
/// NotEnoughReplicas, LeaderNotAvailable) pushed in a row on Produce, librdkafka's mock cluster acknowledges some
/// messages of an idempotent producer that it never writes — seen with a plain Confluent.Kafka producer and no code of
/// ours (300 acknowledged, 293–298 on the topic). The mock keeps only a loose window of recent sequence numbers per
/// producer and acks a retried batch inside it as a duplicate; a real broker checks sequences strictly. Bursts of two,
/// three waves apart, still lost one message in 300 on a loaded 2-core machine (a batch in retry back-off met two waves
/// in a row). So the scenario injects such errors one at a time per wave, three waves, never four in a row however the
/// waves fall, and dropped connections (Local_Transport) in any number; these tests fail if even that stops being safe
/// on the mock, which would make the scenario's counts meaningless.
/// </remarks>
public sealed class MockProduceErrorTests(KafkaClusterFixture kafka) : IClassFixture<KafkaClusterFixture>
{
    [Theory]
    [InlineData(ErrorCode.NotLeaderForPartition, 1)]
    [InlineData(ErrorCode.RequestTimedOut, 1)]
    [InlineData(ErrorCode.NotEnoughReplicas, 1)]
    [InlineData(ErrorCode.Local_Transport, 6)]
    public async Task every_acknowledged_message_is_on_the_topic_through_the_produce_errors_the_matrix_injects(ErrorCode error, int burst)
    {
        var topic = kafka.CreateTopic("produce-errors", partitions: 3);
        await using var stream = NotificationStream.Start(kafka.BootstrapServers, topic, seed: 7185, count: 300, TimeSpan.FromSeconds(2));
        await stream.WaitForAcknowledgedAsync(30, TimeSpan.FromSeconds(30));
        for (var wave = 0; wave < 3; wave++)
        {
            kafka.Cluster.PushRequestErrors(KafkaApiKey.Produce, Enumerable.Repeat(error, burst).ToArray());
            await Task.Delay(400, TestContext.Current.CancellationToken);
        }

        await stream.Completion.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        kafka.Cluster.ClearRequestErrors(KafkaApiKey.Produce);

        var onTopic = kafka.ReadToEnd(topic, TimeSpan.FromSeconds(30)).Select(m => m.Message.Key).ToHashSet();
        var missing = stream.Messages.Select(m => m.Key).Distinct().Count(k => !onTopic.Contains(k));
        Assert.True(missing == 0, $"{error} x{burst}: {stream.Acknowledged} acknowledged, {missing} distinct keys missing from the topic");
    }
}
