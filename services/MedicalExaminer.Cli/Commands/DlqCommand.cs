using System.CommandLine;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using MedicalExaminer.Contracts;
using MessageHeaders = MedicalExaminer.Contracts.Headers;
using MedicalExaminer.Domain;
using MedicalExaminer.Kafka;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Cli.Commands;

/// <summary>
/// <c>me dlq list</c> and <c>me dlq replay</c> (admin): what was dead-lettered and why — positions, keys, error codes
/// and the dead-letter headers, never a payload (it holds personal data) — and replaying chosen messages, by
/// partition and offset, to the notifications topic after a fix, optionally with a corrected payload.
/// A replay is validated first with the intake worker's own parser: what would be dead-lettered again is not sent.
/// </summary>
internal static class DlqCommand
{
    /// <summary>Header on a replayed message: the dead letter it came from (<c>topic/partition/offset</c>).</summary>
    public const string ReplayedFromHeader = "dlq-replayed-from";

    private static readonly string[] ShownHeaders =
    [
        MessageHeaders.DeadLetterErrorCode, MessageHeaders.DeadLetterErrorMessage, MessageHeaders.DeadLetterOriginalTopic,
        MessageHeaders.DeadLetterOriginalPartition, MessageHeaders.DeadLetterOriginalOffset, MessageHeaders.DeadLetterFailedAt, MessageHeaders.Schema,
    ];

    public static Command Create(CliConsole console)
    {
        var command = new Command("dlq", "Dead-lettered notifications: list them and why; replay chosen ones after a fix.");
        command.Subcommands.Add(List(console));
        command.Subcommands.Add(Replay(console));
        return command;
    }

    private static Option<string?> Bootstrap() => new("--bootstrap-servers", "-b")
    {
        Description = $"Kafka bootstrap servers; defaults to the {PublishCommand.BootstrapServersVariable} environment variable.",
    };

    private static Option<string> DeadLetterTopic() => new("--topic", "-t")
    {
        Description = "The dead-letter topic.",
        DefaultValueFactory = _ => Topics.DeathNotificationsDeadLetter,
    };

    private static Command List(CliConsole console)
    {
        var bootstrap = Bootstrap();
        var topic = DeadLetterTopic();
        var limit = new Option<int>("--limit") { Description = "At most this many, the oldest first.", DefaultValueFactory = _ => 1000 };
        var command = new Command("list", "List dead letters: partition:offset, key, error code and reason headers (never the payload).") { bootstrap, topic, limit };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await ServersAsync(console, parse.GetValue(bootstrap)) is not { } servers)
            {
                return ExitCodes.Failure;
            }

            var letters = ReadAll(servers, parse.GetValue(topic)!, parse.GetValue(limit), cancellationToken);
            foreach (var letter in letters)
            {
                var headers = ShownHeaders
                    .Select(name => letter.Message.Headers.TryGetLastBytes(name, out var value) ? $"{name}={Encoding.UTF8.GetString(value)}" : null)
                    .Where(h => h is not null);
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{letter.Partition.Value}:{letter.Offset.Value}\tkey={letter.Message.Key}\t{string.Join("\t", headers)}"));
            }

            await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{letters.Count} dead letters on {parse.GetValue(topic)}"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Replay(CliConsole console)
    {
        var bootstrap = Bootstrap();
        var topic = DeadLetterTopic();
        var at = new Option<string[]>("--at")
        {
            Description = "partition:offset of a dead letter to replay (repeatable).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var payload = new Option<FileInfo?>("--payload") { Description = "A corrected notification (JSON file) to send instead of the dead letter's payload; only with one --at." };
        var to = new Option<string>("--to") { Description = "Topic to replay to.", DefaultValueFactory = _ => Topics.DeathNotifications };
        var command = new Command("replay", "Replay dead letters (by partition:offset) to the notifications topic, each validated first.") { bootstrap, topic, at, payload, to };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await ServersAsync(console, parse.GetValue(bootstrap)) is not { } servers)
            {
                return ExitCodes.Failure;
            }

            var positions = new List<(int Partition, long Offset)>();
            foreach (var text in parse.GetValue(at)!)
            {
                var parts = text.Split(':');
                if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var p) || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var o) || p < 0 || o < 0)
                {
                    await console.Error.WriteLineAsync($"me dlq replay: --at {text} is not partition:offset.");
                    return ExitCodes.Failure;
                }

                positions.Add((p, o));
            }

            var corrected = parse.GetValue(payload);
            if (corrected is not null && positions.Count != 1)
            {
                await console.Error.WriteLineAsync("me dlq replay: --payload replaces one dead letter: give exactly one --at.");
                return ExitCodes.Failure;
            }

            return await ReplayAsync(console, servers, parse.GetValue(topic)!, parse.GetValue(to)!, positions, corrected, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ReplayAsync(
        CliConsole console, string servers, string deadLetterTopic, string to, List<(int Partition, long Offset)> positions, FileInfo? corrected, CancellationToken cancellationToken)
    {
        var replays = new List<(string Position, string Key, byte[] Value)>();
        var refused = false;
        foreach (var (partition, offset) in positions)
        {
            var position = string.Create(CultureInfo.InvariantCulture, $"{partition}:{offset}");
            var letter = ReadAt(servers, deadLetterTopic, partition, offset, cancellationToken);
            if (letter is null)
            {
                await console.Error.WriteLineAsync($"me dlq replay: no dead letter at {position} on {deadLetterTopic}.");
                return ExitCodes.Failure;
            }

            var value = corrected is null ? letter.Message.Value : await File.ReadAllBytesAsync(corrected.FullName, cancellationToken);
            var validation = DeathNotificationParser.Parse(value, console.Clock.GetUtcNow());
            if (validation.Accepted is not { } accepted)
            {
                // Codes and fields only, as the dead-letter headers: never the value.
                await console.Error.WriteLineAsync($"me dlq replay: {position} is still invalid and was not replayed: "
                    + string.Join("; ", validation.Errors.Select(e => $"{e.Code} at {e.Field}")));
                refused = true;
                continue;
            }

            replays.Add((position, $"{accepted.Notification.SourceSystem}:{accepted.Notification.NotificationId}", value));
        }

        if (refused)
        {
            return ExitCodes.Refused;
        }

        using var publisher = new KafkaPublisher(Options.Create(new KafkaOptions { BootstrapServers = servers, ClientId = "me-cli-dlq" }));
        foreach (var (position, key, value) in replays)
        {
            var headers = new Confluent.Kafka.Headers
            {
                { MessageHeaders.Schema, Encoding.UTF8.GetBytes(SchemaIds.DeathNotificationV1) },
                { ReplayedFromHeader, Encoding.UTF8.GetBytes($"{deadLetterTopic}/{position.Replace(':', '/')}") },
            };
            await publisher.PublishAsync(to, new Message<string?, byte[]> { Key = key, Value = value, Headers = headers }, cancellationToken);
            await console.Out.WriteLineAsync($"replayed {position} to {to} as {key}");
        }

        return ExitCodes.Success;
    }

    private static async Task<string?> ServersAsync(CliConsole console, string? given)
    {
        var servers = given ?? console.GetEnvironmentVariable(PublishCommand.BootstrapServersVariable);
        if (string.IsNullOrWhiteSpace(servers))
        {
            await console.Error.WriteLineAsync($"me dlq: no Kafka bootstrap servers: pass --bootstrap-servers or set {PublishCommand.BootstrapServersVariable}.");
            return null;
        }

        return servers;
    }

    private static IConsumer<string?, byte[]> Reader(string servers) =>
        new ConsumerBuilder<string?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = servers,
            // Assigned, never subscribed: the group only names the client, no offsets are committed.
            GroupId = "me-cli-dlq",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();

    /// <summary>Every partition from its start to its current end (bounded: a live topic does not make this run forever).</summary>
    private static List<ConsumeResult<string?, byte[]>> ReadAll(string servers, string topic, int limit, CancellationToken cancellationToken)
    {
        using var consumer = Reader(servers);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers }).Build();
        var timeout = TimeSpan.FromSeconds(30);
        var partitions = admin.GetMetadata(topic, timeout).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var ends = partitions.ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, timeout).High.Value);
        var open = partitions.Where(p => ends[p.Partition.Value] > 0).ToList();
        consumer.Assign(open.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var results = new List<ConsumeResult<string?, byte[]>>();
        var remaining = open.Select(p => p.Partition.Value).ToHashSet();
        var deadline = DateTime.UtcNow + timeout;
        while (remaining.Count > 0 && results.Count < limit && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (!result.IsPartitionEOF)
            {
                results.Add(result);
            }

            if (result.IsPartitionEOF || result.Offset.Value + 1 >= ends[result.Partition.Value])
            {
                remaining.Remove(result.Partition.Value);
            }
        }

        return [.. results.OrderBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value).Take(limit)];
    }

    private static ConsumeResult<string?, byte[]>? ReadAt(string servers, string topic, int partition, long offset, CancellationToken cancellationToken)
    {
        using var consumer = Reader(servers);
        consumer.Assign(new TopicPartitionOffset(topic, partition, offset));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            return result.IsPartitionEOF || result.Offset.Value != offset ? null : result;
        }

        return null;
    }
}
