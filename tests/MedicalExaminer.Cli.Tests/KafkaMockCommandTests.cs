using Confluent.Kafka;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Cli.Tests;

public sealed class KafkaMockCommandTests
{
    [Fact]
    public async Task kafka_mock_serves_the_contract_topics_until_cancelled()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var (console, output, _) = CliRunner.Console();
        var running = CliApp.RunAsync(["kafka-mock", "--brokers", "2", "--partitions", "4"], console, stop.Token);

        var bootstrap = await WaitForBootstrapAsync(output, running, TimeSpan.FromSeconds(30));
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            Assert.Equal(2, metadata.Brokers.Count);
            foreach (var topic in new[] { Topics.DeathNotifications, Topics.DeathNotificationsDeadLetter, Topics.CaseEvents })
            {
                Assert.Equal(4, metadata.Topics.Single(t => t.Topic == topic).Partitions.Count);
            }
        }

        Assert.False(running.IsCompleted, "kafka-mock keeps running until it is stopped");
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Success, await running.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }

    private static async Task<string> WaitForBootstrapAsync(CapturedWriter output, Task<int> running, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var line = output.Text.Split('\n').FirstOrDefault(l => l.StartsWith("bootstrap.servers=", StringComparison.Ordinal));
            if (line is not null)
            {
                return line["bootstrap.servers=".Length..].Trim();
            }

            Assert.False(running.IsCompleted, "kafka-mock stopped before printing its bootstrap servers");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("kafka-mock did not print bootstrap.servers= in time.");
    }
}
