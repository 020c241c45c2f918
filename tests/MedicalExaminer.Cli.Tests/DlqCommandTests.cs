using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using MedicalExaminer.Testing.Intake;

namespace MedicalExaminer.Cli.Tests;

/// <summary><c>me dlq list</c> and <c>me dlq replay</c> against the real intake worker, its dead-letter topic and Postgres.</summary>
public sealed class DlqCommandTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static DeathNotification Valid(int seed) => JsonSerializer.Deserialize(
        new NotificationGenerator(seed, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0), clock: FixedClock.Instance).Next().Value, ContractsJsonContext.Default.DeathNotification)!;

    private static byte[] Json(DeathNotification n) => JsonSerializer.SerializeToUtf8Bytes(n, ContractsJsonContext.Default.DeathNotification);

    [Fact]
    public async Task a_dead_lettered_notification_is_listed_with_its_reason_fixed_replayed_and_opens_one_case()
    {
        await using var world = await IntakeWorld.StartAsync(postgres, kafka);
        var good = Valid(seed: 71);
        var bad = good with { Deceased = good.Deceased! with { NhsNumber = "9434765918" } };
        var key = $"{good.SourceSystem}:{good.NotificationId}";
        await PublishAsync(world.Topic, key, Json(bad));
        var deadLetters = kafka.ReadAll(world.DeadLetterTopic, 1, Deadline);
        Assert.Single(deadLetters);
        var position = $"{deadLetters[0].Partition.Value}:{deadLetters[0].Offset.Value}";

        var list = await CliRunner.RunAsync(["dlq", "list", "-b", kafka.BootstrapServers, "--topic", world.DeadLetterTopic], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(ExitCodes.Success, list.ExitCode);
        var line = Assert.Single(list.OutputLines);
        Assert.StartsWith($"{position}\tkey={key}\t", line, StringComparison.Ordinal);
        Assert.Contains("dlq-error-code=invalid-nhs-number", line, StringComparison.Ordinal);
        Assert.Contains("dlq-error-message=invalid-nhs-number at deceased.nhsNumber", line, StringComparison.Ordinal);
        Assert.Contains($"dlq-original-topic={world.Topic}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("9434765918", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(good.Deceased!.FamilyName!, list.Output, StringComparison.Ordinal);

        // Replaying it unchanged would only dead-letter it again: refused, nothing sent.
        var unchanged = await CliRunner.RunAsync(["dlq", "replay", "-b", kafka.BootstrapServers, "--topic", world.DeadLetterTopic, "--to", world.Topic, "--at", position],
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(ExitCodes.Refused, unchanged.ExitCode);
        Assert.Contains("invalid-nhs-number at deceased.nhsNumber", unchanged.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("9434765918", unchanged.Error, StringComparison.Ordinal);

        var fixedFile = Path.Combine(Path.GetTempPath(), $"fixed-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(fixedFile, Json(good), TestContext.Current.CancellationToken);
        try
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var replay = await CliRunner.RunAsync(
                    ["dlq", "replay", "-b", kafka.BootstrapServers, "--topic", world.DeadLetterTopic, "--to", world.Topic, "--at", position, "--payload", fixedFile],
                    cancellationToken: TestContext.Current.CancellationToken);
                Assert.True(replay.ExitCode == ExitCodes.Success, replay.Error);
                Assert.Equal($"replayed {position} to {world.Topic} as {key}", Assert.Single(replay.OutputLines));
            }
        }
        finally
        {
            File.Delete(fixedFile);
        }

        // Replayed twice (an operator's retry): still one case.
        await world.WaitForCasesAsync(1, Deadline);
        await world.WaitForGroupToCatchUpAsync(Deadline);
        Assert.Equal([key], (await world.CasesAsync()).Keys);
        var replayed = kafka.ReadToEnd(world.Topic, Deadline).Where(m => m.Message.Headers.TryGetLastBytes("dlq-replayed-from", out _)).ToList();
        Assert.Equal(2, replayed.Count);
        Assert.Equal($"{world.DeadLetterTopic}/{position.Replace(':', '/')}", Encoding.UTF8.GetString(replayed[0].Message.Headers.GetLastBytes("dlq-replayed-from")));
        Assert.Single(kafka.ReadToEnd(world.DeadLetterTopic, Deadline));
    }

    [Fact]
    public async Task replaying_a_position_that_holds_nothing_fails_and_sends_nothing()
    {
        var deadLetters = kafka.CreateTopic("cli-dlq-empty", 1);
        var main = kafka.CreateTopic("cli-main-empty", 1);

        var result = await CliRunner.RunAsync(["dlq", "replay", "-b", kafka.BootstrapServers, "--topic", deadLetters, "--to", main, "--at", "0:5"],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("no dead letter at 0:5", result.Error, StringComparison.Ordinal);
        Assert.Empty(kafka.ReadToEnd(main, Deadline));
    }

    private async Task PublishAsync(string topic, string key, byte[] value)
    {
        using var producer = new Confluent.Kafka.ProducerBuilder<string, byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        await producer.ProduceAsync(topic, new Confluent.Kafka.Message<string, byte[]> { Key = key, Value = value });
    }
}
