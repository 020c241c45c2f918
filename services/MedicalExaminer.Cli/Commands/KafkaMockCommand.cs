using System.CommandLine;
using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka.Embedded;

namespace MedicalExaminer.Cli.Commands;

/// <summary>
/// <c>me kafka-mock</c>: runs librdkafka's mock cluster with the contract topics until Ctrl+C or SIGTERM, so
/// workers and <c>me publish</c> started separately can share one development Kafka.
/// </summary>
internal static class KafkaMockCommand
{
    public const string BootstrapLinePrefix = "bootstrap.servers=";

    public static Command Create(CliConsole console)
    {
        var brokers = new Option<int>("--brokers")
        {
            Description = "Number of brokers.",
            DefaultValueFactory = _ => 3,
            Validators = { r => { if (r.GetValueOrDefault<int>() is < 1 or > 16) { r.AddError("--brokers must be between 1 and 16."); } } },
        };
        var partitions = new Option<int>("--partitions")
        {
            Description = "Partitions of each topic.",
            DefaultValueFactory = _ => 12,
            Validators = { r => { if (r.GetValueOrDefault<int>() is < 1 or > 1000) { r.AddError("--partitions must be between 1 and 1000."); } } },
        };
        var command = new Command("kafka-mock", "Run a development Kafka (librdkafka mock cluster) with the contract topics until Ctrl+C.")
        {
            brokers, partitions,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(console, parse.GetValue(brokers), parse.GetValue(partitions), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, int brokers, int partitions, CancellationToken cancellationToken)
    {
        var options = new EmbeddedKafkaOptions
        {
            Brokers = brokers,
            Topics =
            {
                [Topics.DeathNotifications] = partitions,
                [Topics.DeathNotificationsDeadLetter] = partitions,
                [Topics.CaseEvents] = partitions,
            },
        };
        using var cluster = EmbeddedKafkaExtensions.StartEmbeddedKafka(options);

        // The one line on standard output, for scripts: BOOTSTRAP=$(me kafka-mock | head -1 | cut -d= -f2).
        await console.Out.WriteLineAsync(BootstrapLinePrefix + cluster.BootstrapServers);
        await console.Out.FlushAsync(cancellationToken);
        await console.Error.WriteLineAsync(
            $"mock Kafka: {brokers} brokers; topics {string.Join(", ", options.Topics.Keys)} with {partitions} partitions each. Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: the normal way to stop.
        }

        return ExitCodes.Success;
    }
}
