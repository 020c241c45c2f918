using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.SyntheticData;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Cli.Commands;

/// <summary>
/// <c>me publish --count N</c>: publishes synthetic notifications with the service's idempotent producer
/// (schema and traceparent headers, key <c>{sourceSystem}:{notificationId}</c>), optionally at a fixed rate.
/// </summary>
internal static class PublishCommand
{
    public const string BootstrapServersVariable = "Kafka__BootstrapServers";

    public static Command Create(CliConsole console)
    {
        var count = CommonOptions.Count();
        var seed = CommonOptions.Seed();
        var bootstrap = new Option<string?>("--bootstrap-servers", "-b")
        {
            Description = $"Kafka bootstrap servers; defaults to the {BootstrapServersVariable} environment variable.",
        };
        var topic = new Option<string>("--topic", "-t") { Description = "Topic to publish to.", DefaultValueFactory = _ => Topics.DeathNotifications };
        var rate = new Option<double?>("--rate", "-r")
        {
            Description = "Messages per second; as fast as the brokers take them when omitted.",
            Validators = { r => { if (r.GetValueOrDefault<double?>() is <= 0) { r.AddError("--rate must be positive."); } } },
        };
        var deliveryTimeout = new Option<int>("--delivery-timeout")
        {
            Description = "Seconds a message may wait for the brokers before it counts as not delivered.",
            DefaultValueFactory = _ => 60,
            Validators = { r => { if (r.GetValueOrDefault<int>() < 1) { r.AddError("--delivery-timeout must be at least 1 second."); } } },
        };
        var viaGateway = new Option<string?>("--via-gateway")
        {
            Description = "Send through the hospital gateway at this URL (HTTP) instead of producing to Kafka.",
            Validators = { r => { if (!Uri.TryCreate(r.GetValueOrDefault<string?>(), UriKind.Absolute, out _)) { r.AddError("--via-gateway must be an absolute URL, e.g. http://127.0.0.1:8083."); } } },
        };
        var apiKey = new Option<string?>("--api-key")
        {
            Description = $"The gateway publisher's API key; defaults to the {GatewayPublisher.ApiKeyVariable} environment variable.",
        };
        var ods = new Option<string>("--ods")
        {
            Description = "With --via-gateway: the ODS code the key publishes for (every notification is sent as that publisher's).",
            DefaultValueFactory = _ => "RR8",
        };
        var format = new Option<string>("--format")
        {
            Description = "With --via-gateway: the format to send.",
            DefaultValueFactory = _ => Gateway.Formats.NotificationFormats.Json,
        };
        format.AcceptOnlyFromAmong(GatewayPublisher.Formats);
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "With --via-gateway: requests in flight at once.",
            DefaultValueFactory = _ => 16,
            Validators = { r => { if (r.GetValueOrDefault<int>() is < 1 or > 1024) { r.AddError("--concurrency must be between 1 and 1024."); } } },
        };
        var defaults = new SyntheticMix();
        var duplicateRate = CommonOptions.Rate("--duplicate-rate", defaults.DuplicateRate, "Share of redelivered (duplicate) messages.");
        var invalidRate = CommonOptions.Rate("--invalid-rate", defaults.InvalidRate, "Share of invalid messages (they go to the dead-letter topic).");
        var command = new Command("publish", "Publish synthetic death notifications to Kafka, or through the hospital gateway.")
        {
            count, seed, bootstrap, topic, rate, duplicateRate, invalidRate, deliveryTimeout, viaGateway, apiKey, ods, format, concurrency,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var servers = parse.GetValue(bootstrap) ?? console.GetEnvironmentVariable(BootstrapServersVariable);
            var mix = defaults with { DuplicateRate = parse.GetValue(duplicateRate), InvalidRate = parse.GetValue(invalidRate) };
            if (parse.GetValue(viaGateway) is { } gateway)
            {
                return PublishThroughGatewayAsync(console, new Uri(gateway), parse.GetValue(apiKey) ?? console.GetEnvironmentVariable(GatewayPublisher.ApiKeyVariable),
                    parse.GetValue(ods)!, parse.GetValue(format)!, parse.GetValue(count), CommonOptions.SeedOrRandom(parse.GetValue(seed)), mix,
                    parse.GetValue(concurrency), parse.GetValue(rate), cancellationToken);
            }

            return RunAsync(console, new PublishRun(
                parse.GetValue(count), CommonOptions.SeedOrRandom(parse.GetValue(seed)), servers, parse.GetValue(topic)!, parse.GetValue(rate), mix,
                TimeSpan.FromSeconds(parse.GetValue(deliveryTimeout))), cancellationToken);
        });
        return command;
    }

    private static async Task<int> PublishThroughGatewayAsync(
        CliConsole console, Uri gateway, string? apiKey, string ods, string format, int count, int seed, SyntheticMix mix, int concurrency, double? rate, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            await console.Error.WriteLineAsync($"me publish: no API key for the gateway: pass --api-key or set {GatewayPublisher.ApiKeyVariable}.");
            return ExitCodes.Failure;
        }

        if (mix.DuplicateRate + mix.InvalidRate > 1)
        {
            await console.Error.WriteLineAsync("me publish: --duplicate-rate and --invalid-rate add up to more than 1.");
            return ExitCodes.Failure;
        }

        return await GatewayPublisher.RunAsync(console, new GatewayPublisher.Run(gateway, apiKey, ods, format, count, seed, mix, concurrency, rate), cancellationToken);
    }

    private static async Task<int> RunAsync(CliConsole console, PublishRun run, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(run.BootstrapServers))
        {
            await console.Error.WriteLineAsync($"me publish: no Kafka bootstrap servers: pass --bootstrap-servers or set {BootstrapServersVariable}.");
            return ExitCodes.Failure;
        }

        if (run.Mix.DuplicateRate + run.Mix.InvalidRate > 1)
        {
            await console.Error.WriteLineAsync("me publish: --duplicate-rate and --invalid-rate add up to more than 1.");
            return ExitCodes.Failure;
        }

        var generator = new NotificationGenerator(run.Seed, run.Mix, clock: console.Clock);

        // librdkafka's own default (5 minutes) suits a service riding out a broker restart; a person at a terminal
        // wants to hear sooner that Kafka is not there.
        using var publisher = new KafkaPublisher(Options.Create(new KafkaOptions
        {
            BootstrapServers = run.BootstrapServers,
            ClientId = "me-cli",
            Producer = { ["message.timeout.ms"] = ((long)run.DeliveryTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) },
        }));

        // The run is one trace, started whether or not anything listens, so every message carries a traceparent
        // that ties what the intake worker does with it back to this run.
        using var trace = new Activity("me publish").Start();
        var deliveries = new DeliveryTally();
        var kinds = new Dictionary<SyntheticKind, int>();
        var clock = Stopwatch.StartNew();
        var enqueued = 0;
        await PublishProgress.RunAsync(console, $"publishing to {run.Topic}", run.Count, async report =>
        {
            try
            {
                for (; enqueued < run.Count; enqueued++)
                {
                    if (run.Rate is { } perSecond && TimeSpan.FromSeconds(enqueued / perSecond) - clock.Elapsed is { Ticks: > 0 } ahead)
                    {
                        await Task.Delay(ahead, cancellationToken);
                    }

                    var notification = generator.Next();
                    kinds[notification.Kind] = kinds.GetValueOrDefault(notification.Kind) + 1;
                    publisher.Enqueue(run.Topic, notification.Key, notification.Value, SchemaIds.DeathNotificationV1, deliveries.OnDelivered);
                    if (enqueued % 1000 == 0)
                    {
                        report(deliveries.Completed);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: stop generating; what was handed to the producer is still delivered and counted below.
            }

            // Until librdkafka reports on every message: acknowledged, or failed after its retries and message timeout.
            while (deliveries.Completed < enqueued)
            {
                publisher.Flush(TimeSpan.FromMilliseconds(200));
                report(deliveries.Completed);
            }

            report(deliveries.Completed);
        });
        clock.Stop();

        if (enqueued < run.Count)
        {
            await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"me publish: interrupted after {enqueued} of {run.Count} messages."));
        }

        if (deliveries.Failed > 0)
        {
            await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"me publish: {deliveries.Failed} of {enqueued} messages were not delivered (first error: {deliveries.FirstError})."));
        }

        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"published {deliveries.Delivered} notifications to {run.Topic} in {seconds:F1} s ({deliveries.Delivered / seconds:F0}/s): "
            + $"{kinds.GetValueOrDefault(SyntheticKind.Valid)} valid, {kinds.GetValueOrDefault(SyntheticKind.Duplicate)} duplicates, "
            + $"{kinds.GetValueOrDefault(SyntheticKind.Invalid)} invalid; seed {run.Seed}"));
        return deliveries.Failed > 0 || enqueued < run.Count ? ExitCodes.Failure : ExitCodes.Success;
    }

    private sealed record PublishRun(int Count, int Seed, string? BootstrapServers, string Topic, double? Rate, SyntheticMix Mix, TimeSpan DeliveryTimeout);

    /// <summary>Counts delivery reports, which arrive on librdkafka's delivery thread.</summary>
    private sealed class DeliveryTally
    {
        private long _delivered;
        private long _failed;

        public long Delivered => Interlocked.Read(ref _delivered);

        public long Failed => Interlocked.Read(ref _failed);

        public long Completed => Delivered + Failed;

        public ErrorCode? FirstError { get; private set; }

        public void OnDelivered(DeliveryReport<string?, byte[]> report)
        {
            if (report.Error.IsError)
            {
                // Only the code: the reason string may quote broker detail, and the message itself is never shown.
                if (Interlocked.Increment(ref _failed) == 1)
                {
                    FirstError = report.Error.Code;
                }
            }
            else
            {
                Interlocked.Increment(ref _delivered);
            }
        }
    }
}
