using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using MedicalExaminer.Testing;
using ContractHeaders = MedicalExaminer.Contracts.Headers;

namespace MedicalExaminer.Kafka.Tests;

public sealed class BatchConsumerTests(KafkaClusterFixture kafka)
{
    [Fact]
    public async Task delivers_every_message_once_in_partition_order_in_batches_bounded_by_max_batch_size()
    {
        var topic = kafka.CreateTopic("ordered", partitions: 3);
        for (var partition = 0; partition < 3; partition++)
        {
            await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, partition, 100, prefix: $"p{partition}");
        }

        var handler = new ScriptedHandler();
        await using var host = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, KafkaClusterFixture.NewGroupId("ordered"), handler,
            new Dictionary<string, string?> { ["MaxBatchSize"] = "25" });
        await Poll.UntilAsync(() => handler.Handled.Count >= 300, "all 300 messages are handled");

        Assert.All(handler.Calls, call => Assert.InRange(call.Messages.Count, 1, 25));
        Assert.Equal(300, handler.Handled.Count);
        for (var partition = 0; partition < 3; partition++)
        {
            var seen = handler.Handled.Where(m => m.Partition == partition).ToList();
            Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), seen.Select(m => m.Offset));
            Assert.Equal(Enumerable.Range(0, 100).Select(i => $"p{partition}-{i}"), seen.Select(m => m.Key));
        }
    }

    [Fact]
    public async Task every_batch_is_handed_to_the_handler_on_the_consume_loops_own_thread_not_a_thread_pool_thread()
    {
        var topic = kafka.CreateTopic("own-thread", partitions: 1);
        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 20);

        var callers = new System.Collections.Concurrent.ConcurrentQueue<(int Id, bool Pool)>();
        var handler = new ScriptedHandler(async (_, _, _) =>
        {
            callers.Enqueue((Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread));

            // The rest runs on the pool, as a real handler's database awaits do; the loop must not follow it there.
            await Task.Yield();
        });
        await using var host = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, KafkaClusterFixture.NewGroupId("own-thread"), handler,
            new Dictionary<string, string?> { ["MaxBatchSize"] = "5" });
        await Poll.UntilAsync(() => handler.Handled.Count >= 20, "all 20 messages are handled");

        var seen = callers.ToList();
        Assert.True(seen.Count >= 4, $"20 messages in batches of at most 5 take at least 4 calls; saw {seen.Count}");
        Assert.All(seen, caller => Assert.False(caller.Pool, "a batch was handed over on a thread-pool thread: the loop left its own thread"));
        Assert.True(seen.Select(c => c.Id).Distinct().Count() == 1, "every batch is handed over on the same (the loop's) thread");
    }

    [Fact]
    public async Task a_batch_whose_handler_is_cancelled_is_delivered_again_to_the_next_consumer_of_the_group()
    {
        var topic = kafka.CreateTopic("cancelled", partitions: 1);
        var group = KafkaClusterFixture.NewGroupId("cancelled");
        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 10);

        // Stands for a handler whose transaction never commits because the process shuts down mid-batch.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = new ScriptedHandler(async (_, _, token) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
        });
        await using (await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, group, stuck))
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }

        var abandoned = stuck.Calls.Single().Messages.Select(m => m.Offset).ToList();
        Assert.Empty(stuck.Handled);

        var next = new ScriptedHandler();
        await using var second = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, group, next);
        await Poll.UntilAsync(() => next.Handled.Count >= 10, "the next consumer handles all 10 messages");

        Assert.Equal(0, next.Handled[0].Offset);
        Assert.Subset(next.Handled.Select(m => m.Offset).ToHashSet(), abandoned.ToHashSet());
    }

    [Fact]
    public async Task a_batch_whose_handler_returned_is_not_delivered_again()
    {
        var topic = kafka.CreateTopic("completed", partitions: 1);
        var group = KafkaClusterFixture.NewGroupId("completed");
        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 10, prefix: "old");

        var first = new ScriptedHandler();
        await using (await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, group, first))
        {
            await Poll.UntilAsync(() => first.Handled.Count >= 10, "the first consumer handles all 10 messages");
        }

        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 1, prefix: "new");
        var next = new ScriptedHandler();
        await using var second = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, group, next);
        await Poll.UntilAsync(() => next.Handled.Count >= 1, "the next consumer handles the new message");

        var only = Assert.Single(next.Handled);
        Assert.Equal(("new-0", 10L), (only.Key, only.Offset));
    }

    [Fact]
    public async Task a_failing_handler_is_retried_with_the_same_batch_until_it_succeeds_and_nothing_is_lost_or_repeated()
    {
        var topic = kafka.CreateTopic("retried", partitions: 1);
        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 20);

        // Stands for a database that refuses the first two transactions (a restart).
        var handler = new ScriptedHandler((_, attempt, _) =>
            attempt <= 2 ? throw new InvalidOperationException("database unavailable") : Task.CompletedTask);
        await using var host = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, KafkaClusterFixture.NewGroupId("retried"), handler);
        await Poll.UntilAsync(() => handler.Handled.Count >= 20, "all 20 messages are handled despite two failures");

        var calls = handler.Calls;
        Assert.False(calls[0].Succeeded);
        Assert.False(calls[1].Succeeded);
        Assert.True(calls[2].Succeeded);
        Assert.Equal(calls[0].Messages.Select(m => m.Offset), calls[1].Messages.Select(m => m.Offset));
        Assert.Equal(calls[0].Messages.Select(m => m.Offset), calls[2].Messages.Select(m => m.Offset));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), handler.Handled.Select(m => m.Offset));
    }

    [Fact]
    public async Task dead_letters_reach_the_dlq_with_the_original_message_and_why_and_later_messages_are_still_handled()
    {
        var topic = kafka.CreateTopic("poison", partitions: 1);
        var dlq = kafka.CreateTopic("poison-dlq", partitions: 1);
        var traceParent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 10, headers: i => new Headers
        {
            { ContractHeaders.Schema, "test/1"u8.ToArray() },
            { ContractHeaders.TraceParent, Encoding.ASCII.GetBytes(traceParent) },
            { "x-sequence", Encoding.UTF8.GetBytes($"{i}") },
        });

        var handler = new ScriptedHandler((batch, _, _) =>
        {
            foreach (var message in batch.Messages.Where(m => m.Key is "m-3" or "m-6"))
            {
                batch.DeadLetter(message, "invalid-field", "placeOfDeath: unknown code");
            }

            return Task.CompletedTask;
        });
        await using var host = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, KafkaClusterFixture.NewGroupId("poison"), handler,
            new Dictionary<string, string?> { ["DeadLetterTopic"] = dlq, ["MaxBatchSize"] = "4" });
        await Poll.UntilAsync(() => handler.Handled.Count >= 10, "all 10 messages reach the handler");

        var deadLetters = kafka.ReadAll(dlq, expected: 2, TimeSpan.FromSeconds(30));
        Assert.Equal(["m-3", "m-6"], deadLetters.Select(d => d.Message.Key));
        foreach (var deadLetter in deadLetters)
        {
            var sequence = Header(deadLetter, "x-sequence");
            Assert.Equal($"m-{sequence}", deadLetter.Message.Key);
            Assert.Equal(sequence, Encoding.UTF8.GetString(deadLetter.Message.Value));
            Assert.Equal("test/1", Header(deadLetter, ContractHeaders.Schema));
            Assert.Equal(traceParent, Header(deadLetter, ContractHeaders.TraceParent));
            Assert.Equal("invalid-field", Header(deadLetter, ContractHeaders.DeadLetterErrorCode));
            Assert.Equal("placeOfDeath: unknown code", Header(deadLetter, ContractHeaders.DeadLetterErrorMessage));
            Assert.Equal(topic, Header(deadLetter, ContractHeaders.DeadLetterOriginalTopic));
            Assert.Equal("0", Header(deadLetter, ContractHeaders.DeadLetterOriginalPartition));
            Assert.Equal(sequence, Header(deadLetter, ContractHeaders.DeadLetterOriginalOffset));
            Assert.True(DateTimeOffset.TryParse(Header(deadLetter, ContractHeaders.DeadLetterFailedAt), CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                "the failed-at header holds an ISO 8601 timestamp");
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m-{i}"), handler.Handled.Select(m => m.Key));
        Assert.Equal(2, kafka.ReadToEnd(dlq, TimeSpan.FromSeconds(30)).Count);
    }

    [Fact]
    public async Task each_batch_is_one_consume_activity_linked_to_the_trace_of_every_message()
    {
        var topic = kafka.CreateTopic("traced", partitions: 1);
        var origins = Enumerable.Range(0, 3).Select(_ => ActivityTraceId.CreateRandom()).ToList();
        var batches = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == BatchConsumer.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.DisplayName == $"consume {topic}")
                {
                    lock (batches)
                    {
                        batches.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 3, headers: i => new Headers
        {
            { ContractHeaders.TraceParent, Encoding.ASCII.GetBytes($"00-{origins[i]}-{ActivitySpanId.CreateRandom()}-01") },
        });
        var handler = new ScriptedHandler();
        await using var host = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, KafkaClusterFixture.NewGroupId("traced"), handler);
        await Poll.UntilAsync(() => handler.Handled.Count >= 3, "all 3 messages are handled");
        await Poll.UntilAsync(() => { lock (batches) { return batches.Count >= handler.Calls.Count; } }, "every batch's activity has stopped");

        List<ActivityLink> links;
        lock (batches)
        {
            Assert.Equal(handler.Calls.Count, batches.Count);
            Assert.All(batches, b => Assert.Equal(ActivityKind.Consumer, b.Kind));
            links = batches.SelectMany(b => b.Links).ToList();
        }

        var expected = origins.Select(t => t.ToHexString()).Order().ToList();
        Assert.Equal(expected, links.Select(l => l.Context.TraceId.ToHexString()).Order());
        Assert.Equal(expected, handler.Handled.Select(m => m.ParentContext.TraceId.ToHexString()).Order());
    }

    [Fact]
    public async Task metrics_count_handled_and_dead_lettered_messages_labelled_by_topic_and_group_only()
    {
        var topic = kafka.CreateTopic("metered", partitions: 2);
        var dlq = kafka.CreateTopic("metered-dlq", partitions: 1);
        var group = KafkaClusterFixture.NewGroupId("metered");
        using var measurements = new KafkaMeasurements(topic);

        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 10, prefix: "a");
        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 1, 10, prefix: "b");
        var handler = new ScriptedHandler((batch, _, _) =>
        {
            foreach (var message in batch.Messages.Where(m => m.Key == "a-0"))
            {
                batch.DeadLetter(message, "invalid-json", "body: not JSON");
            }

            return Task.CompletedTask;
        });
        await using var host = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, group, handler,
            new Dictionary<string, string?> { ["DeadLetterTopic"] = dlq });
        await Poll.UntilAsync(() => handler.Handled.Count >= 20, "all 20 messages are handled");
        await Poll.UntilAsync(() => measurements.Sum("me.kafka.messages_consumed") >= 20, "the consumed counter reaches 20");

        Assert.Equal(20, measurements.Sum("me.kafka.messages_consumed"));
        Assert.Equal(1, measurements.Sum("me.kafka.messages_dead_lettered"));
        Assert.All(measurements.All, m => Assert.Equal(group, m.Tags["group"]));
        Assert.All(measurements.All, m => Assert.Subset(new HashSet<string> { "topic", "group", "error_code" }, m.Tags.Keys.ToHashSet()));
    }

    [Fact]
    public async Task a_committed_position_deleted_by_retention_is_reset_to_the_oldest_message_left_and_counted_as_an_offset_reset()
    {
        var topic = kafka.CreateTopic("retention", partitions: 1);
        var group = KafkaClusterFixture.NewGroupId("retention");
        using var measurements = new KafkaMeasurements(topic);
        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 20, prefix: "early");

        var first = new ScriptedHandler();
        await using (var host = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, group, first))
        {
            await Poll.UntilAsync(() => first.Handled.Count >= 20, "the first 20 messages are handled");
        }

        // A new group starting at the beginning is not a reset the operator needs to hear about.
        Assert.Equal(0, measurements.Sum("me.kafka.offset_resets"));

        // While the group is away, 80 more arrive and retention deletes the oldest 60 (40 of them never consumed).
        await TestMessages.ProduceAsync(kafka.BootstrapServers, topic, 0, 80, prefix: "late");
        kafka.Cluster.DeleteRecords(topic, 0, beforeOffset: 60);

        var second = new ScriptedHandler();
        await using (var host = await ConsumerHost.StartAsync(kafka.BootstrapServers, topic, group, second))
        {
            await Poll.UntilAsync(() => second.Handled.Count >= 40, "the 40 messages left are handled", TimeSpan.FromSeconds(45));
            await Poll.UntilAsync(() => measurements.Sum("me.kafka.offset_resets") >= 1, "the reset is counted");
        }

        Assert.Equal(Enumerable.Range(40, 40).Select(i => $"late-{i}"), second.Handled.Select(m => m.Key));
        Assert.Equal(1, measurements.Sum("me.kafka.offset_resets"));
    }

    private static string Header(ConsumeResult<string, byte[]> result, string name) =>
        result.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : $"(no {name} header)";
}
