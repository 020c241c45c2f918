using System.Text;
using MedicalExaminer.Contracts;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Cli.Tests;

/// <summary><c>me publish</c> against the librdkafka mock cluster, over TCP.</summary>
public sealed class PublishCommandTests(KafkaClusterFixture kafka)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task publishes_exactly_count_messages_keyed_and_with_schema_and_trace_headers()
    {
        var topic = kafka.CreateTopic("cli-publish", partitions: 6);

        var result = await CliRunner.RunAsync(
            ["publish", "--count", "1500", "--seed", "17", "--bootstrap-servers", kafka.BootstrapServers, "--topic", topic, "--duplicate-rate", "0.02", "--invalid-rate", "0.01"],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == ExitCodes.Success, $"publish exits 0; stderr: {result.Error}");
        var messages = kafka.ReadToEnd(topic, Deadline);
        Assert.Equal(1500, messages.Count);

        // The same seed and clock give the same stream: the topic holds exactly what the generator made, in order per key.
        var expected = new NotificationGenerator(17, new SyntheticMix(DuplicateRate: 0.02, InvalidRate: 0.01), clock: FixedClock.Instance).Take(1500).ToList();
        Assert.Equal(expected.Select(n => n.Key).Order(StringComparer.Ordinal), messages.Select(m => m.Message.Key).Order(StringComparer.Ordinal));
        Assert.All(messages, m =>
        {
            Assert.True(m.Message.Headers.TryGetLastBytes(Headers.Schema, out var schema), "every message has a schema header");
            Assert.Equal(SchemaIds.DeathNotificationV1, Encoding.UTF8.GetString(schema));
            Assert.True(m.Message.Headers.TryGetLastBytes(Headers.TraceParent, out var traceParent), "every message has a traceparent header");
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", Encoding.ASCII.GetString(traceParent));
        });
        Assert.Contains(expected, n => n.Kind == SyntheticKind.Duplicate);

        var last = result.OutputLines[^1];
        Assert.StartsWith($"published 1500 notifications to {topic} in ", last, StringComparison.Ordinal);
        Assert.Matches(@"\(\d+/s\)", last);
        Assert.Contains("100%", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task bootstrap_servers_come_from_the_environment_when_not_given()
    {
        var topic = kafka.CreateTopic("cli-publish-env", partitions: 2);

        var result = await CliRunner.RunAsync(
            ["publish", "--count", "25", "--topic", topic, "--invalid-rate", "0", "--duplicate-rate", "0"],
            environment: new Dictionary<string, string> { ["Kafka__BootstrapServers"] = kafka.BootstrapServers },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == ExitCodes.Success, $"publish exits 0; stderr: {result.Error}");
        Assert.Equal(25, kafka.ReadToEnd(topic, Deadline).Count);
        Assert.Matches(@"seed -?\d+$", result.OutputLines[^1]);
    }

    [Fact]
    public async Task a_rate_limited_run_still_publishes_every_message()
    {
        var topic = kafka.CreateTopic("cli-publish-rate", partitions: 1);

        var result = await CliRunner.RunAsync(
            ["publish", "-n", "40", "--rate", "200", "-b", kafka.BootstrapServers, "-t", topic],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == ExitCodes.Success, $"publish exits 0; stderr: {result.Error}");
        Assert.Equal(40, kafka.ReadToEnd(topic, Deadline).Count);
    }

    [Fact]
    public async Task without_bootstrap_servers_it_exits_one_and_says_how_to_give_them()
    {
        var result = await CliRunner.RunAsync(["publish", "--count", "5"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("--bootstrap-servers", result.Error, StringComparison.Ordinal);
        Assert.Contains("Kafka__BootstrapServers", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_kafka_is_unreachable_it_reports_undelivered_messages_and_exits_one()
    {
        // A port nothing listens on: bound and released at once.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await CliRunner.RunAsync(
            ["publish", "--count", "10", "--bootstrap-servers", $"127.0.0.1:{port}", "--delivery-timeout", "2"],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("10 of 10 messages were not delivered", result.Error, StringComparison.Ordinal);
        Assert.StartsWith("published 0 notifications", result.OutputLines[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--count", "0")]
    [InlineData("--invalid-rate", "1.5")]
    [InlineData("--rate", "-3")]
    public async Task out_of_range_options_are_refused_before_anything_is_published(string option, string value)
    {
        string[] args = option == "--count" ? ["publish", option, value] : ["publish", "--count", "5", option, value];

        var result = await CliRunner.RunAsync([.. args, "--bootstrap-servers", kafka.BootstrapServers], cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.Contains(option, result.Error, StringComparison.Ordinal);
    }
}
