using System.Text;
using Confluent.Kafka;
using MedicalExaminer.Domain;
using MedicalExaminer.Kafka;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using MedicalExaminer.Testing.Intake;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ContractHeaders = MedicalExaminer.Contracts.Headers;

namespace MedicalExaminer.MalformedInput.Tests;

/// <summary>
/// The JSON corpus, and what only Kafka can carry wrong (no value, odd headers), sent to the real intake worker
/// through the mock cluster, interleaved with valid notifications on every partition.
/// </summary>
public sealed class KafkaCorpusTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    private const string CaseHeader = "corpus-case";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>A message as Kafka carries it; <paramref name="Code"/> null: valid, it must become a case.</summary>
    private sealed record Sent(string Name, string? Key, byte[]? Value, Headers Headers, string? Code, string? Field, IReadOnlyList<string> Secrets);

    /// <summary>Kafka-level variants: no value, an empty one, no key, and headers a producer got wrong around valid notifications.</summary>
    private static IEnumerable<Sent> KafkaVariants(Queue<SyntheticNotification> valid)
    {
        static Headers With(params (string Key, byte[]? Value)[] headers)
        {
            var result = new Headers();
            foreach (var (key, value) in headers)
            {
                result.Add(key, value);
            }

            return result;
        }

        yield return new("tombstone", "corpus:tombstone", null, [], ValidationErrorCodes.MalformedJson, "$", []);
        yield return new("empty-value", "corpus:empty", [], [], ValidationErrorCodes.MalformedJson, "$", []);
        yield return new("no-key", null, "{\"schemaVersion\":1"u8.ToArray(), [], ValidationErrorCodes.MalformedJson, "$", []);
        yield return new("binary", "corpus:binary", [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 151 % 256))], [], ValidationErrorCodes.MalformedJson, "$", []);
        var n = valid.Dequeue();
        yield return new("garbage-traceparent", n.Key, n.Value, With((ContractHeaders.TraceParent, "00-MRKZ-not-a-trace"u8.ToArray())), null, null, []);
        n = valid.Dequeue();
        yield return new("null-traceparent", n.Key, n.Value, With((ContractHeaders.TraceParent, null), (ContractHeaders.TraceState, null)), null, null, []);
        n = valid.Dequeue();
        yield return new("binary-traceparent", n.Key, n.Value, With((ContractHeaders.TraceParent, [0xFF, 0x00, 0xC3, 0x28])), null, null, []);
        n = valid.Dequeue();
        yield return new("wrong-schema-header", n.Key, n.Value, With((ContractHeaders.Schema, "death-notification/99"u8.ToArray()), ("x-MRKZ", null)), null, null, []);
    }

    [Fact]
    public async Task every_bad_message_is_dead_lettered_with_its_code_and_no_value_while_the_valid_ones_around_it_become_cases()
    {
        using var output = new CapturedOutput();
        await using var world = await IntakeWorld.StartAsync(postgres, kafka, output.AttachTo);
        var bad = Corpus.In("json").Where(e => e.Kafka).ToList();
        var valid = new Queue<SyntheticNotification>(new NotificationGenerator(20261125, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0)).Take(bad.Count + 20));

        // Every bad message between two valid ones, round-robin over the partitions, so each partition interleaves them.
        var messages = new List<Sent>();
        foreach (var sent in bad.Select(e => new Sent(e.Name, $"corpus:{e.Name}", e.Bytes(), [], e.Code, e.Field, e.Secrets)).Concat(KafkaVariants(valid)))
        {
            var before = valid.Dequeue();
            messages.Add(new("valid", before.Key, before.Value, [], null, null, []));
            messages.Add(sent);
        }

        var last = valid.Dequeue();
        messages.Add(new("valid", last.Key, last.Value, [], null, null, []));
        await ProduceAsync(world.Topic, messages);

        var expectedDead = messages.Where(m => m.Code is not null).ToDictionary(m => m.Name);
        var expectedCases = messages.Where(m => m.Code is null).Select(m => m.Key!).ToHashSet();
        var loop = world.Services.GetServices<IHostedService>().OfType<BatchConsumerService>().Single();
        var deadline = DateTime.UtcNow + Deadline;
        while ((await world.CasesAsync()).Count < expectedCases.Count)
        {
            Assert.False(loop.ExecuteTask?.IsCompleted ?? true, $"the intake consume loop stopped: {loop.ExecuteTask?.Exception?.GetBaseException()}");
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {Deadline}: every valid notification becomes a case");
            await Task.Delay(100);
        }

        await world.WaitForGroupToCatchUpAsync(Deadline);
        var deadLetters = kafka.ReadAll(world.DeadLetterTopic, expectedDead.Count, Deadline);

        var failures = new List<string>();
        foreach (var deadLetter in deadLetters)
        {
            var headers = deadLetter.Message.Headers.ToDictionary(h => h.Key, h => h.GetValueBytes() is { } v ? Encoding.UTF8.GetString(v) : "", StringComparer.Ordinal);
            if (!headers.TryGetValue(CaseHeader, out var name) || !expectedDead.Remove(name, out var sent))
            {
                failures.Add($"a message that should not have been dead-lettered was, or was twice: {(headers.TryGetValue(CaseHeader, out var n) ? n : deadLetter.Message.Key)}");
                continue;
            }

            var code = headers.GetValueOrDefault(ContractHeaders.DeadLetterErrorCode);
            var reason = headers.GetValueOrDefault(ContractHeaders.DeadLetterErrorMessage) ?? "";
            if (code != sent.Code || !reason.StartsWith($"{sent.Code} at {sent.Field}", StringComparison.Ordinal))
            {
                failures.Add($"{name}: expected {sent.Code} at {sent.Field}, dead-lettered {code}: {reason}");
            }

            if (headers.GetValueOrDefault(ContractHeaders.DeadLetterOriginalTopic) != world.Topic)
            {
                failures.Add($"{name}: the dead letter does not name the original topic");
            }

            var original = new HashSet<string>(messages.Single(m => m.Name == name).Headers.Select(h => h.Key));
            foreach (var (key, value) in headers.Where(h => !original.Contains(h.Key)))
            {
                if (Corpus.Leaks($"{key}={value}", new CorpusEntry { File = name, Secrets = sent.Secrets }).FirstOrDefault() is { } leak)
                {
                    failures.Add($"{name}: dead-letter header {key} repeats {leak}");
                }
            }
        }

        failures.AddRange(expectedDead.Keys.Select(name => $"{name}: never dead-lettered"));
        var cases = await world.CasesAsync();
        failures.AddRange(expectedCases.Where(k => !cases.ContainsKey(k)).Select(k => $"valid notification {k}: no case"));
        failures.AddRange(cases.Keys.Where(k => !expectedCases.Contains(k)).Select(k => $"case {k} opened from a bad message"));
        failures.AddRange(output.Repeating(Secrets(bad)).Select(line => $"logged or traced a value: {line}"));
        failures.AddRange(output.Errors.Select(line => $"error logged: {line}"));

        // The scans above are not vacuous: the worker's own batch log lines and consume spans were captured.
        Assert.Contains(output.Lines, l => l.Category.EndsWith("IntakeBatchHandler", StringComparison.Ordinal));
        Assert.Contains(output.Spans, s => s.StartsWith($"consume {world.Topic}", StringComparison.Ordinal));
        Assert.False(loop.ExecuteTask?.IsCompleted ?? true, $"the intake consume loop stopped: {loop.ExecuteTask?.Exception?.GetBaseException().GetType().Name}");
        Assert.True(failures.Count == 0, $"{failures.Count} failures of {messages.Count} messages:\n{string.Join("\n", failures.Take(60))}");
        Assert.Equal(expectedCases.Count, cases.Count);
    }

    private static IEnumerable<string> Secrets(IEnumerable<CorpusEntry> entries) => entries.SelectMany(e => e.Secrets).Append(Corpus.Marker);

    private async Task ProduceAsync(string topic, IReadOnlyList<Sent> messages)
    {
        using var producer = new ProducerBuilder<string?, byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true, Acks = Acks.All }).Build();
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var headers = new Headers();
            foreach (var h in m.Headers)
            {
                headers.Add(h.Key, h.GetValueBytes());
            }

            if (m.Code is not null)
            {
                headers.Add(CaseHeader, Encoding.UTF8.GetBytes(m.Name));
            }

            // In order, one at a time per partition: the interleaving is the point.
            await producer.ProduceAsync(new TopicPartition(topic, i / 2 % 3), new Message<string?, byte[]?> { Key = m.Key, Value = m.Value, Headers = headers });
        }
    }
}
