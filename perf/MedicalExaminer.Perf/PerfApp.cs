using System.CommandLine;
using MedicalExaminer.IntakeWorker;
using MedicalExaminer.Perf.Harness;
using MedicalExaminer.Perf.Scenarios;

namespace MedicalExaminer.Perf;

/// <summary>
/// <c>me-perf [scenario ...]</c>: starts a throwaway Postgres and the embedded Kafka, runs the scenarios (all by
/// default) and writes <c>perf/results/&lt;date&gt;-&lt;scenario&gt;.json</c> and <c>.md</c>.
/// </summary>
public static class PerfApp
{
    /// <summary>Hidden mode in which this executable hosts the real intake worker (a child process of a scenario).</summary>
    public const string WorkerMode = "intake-worker";

    private static readonly Dictionary<string, Func<PerfEnvironment, PerfOptions, CancellationToken, Task<ScenarioResult>>> Scenarios = new()
    {
        [IntakeThroughputScenario.Name] = IntakeThroughputScenario.RunAsync,
        [LatencyScenario.Name] = LatencyScenario.RunAsync,
        [ClaimScenario.Name] = ClaimScenario.RunAsync,
        [ScaleOutScenario.Name] = ScaleOutScenario.RunAsync,
        [MetricsReplayScenario.Name] = MetricsReplayScenario.RunAsync,
        [FamilyScenario.Name] = FamilyScenario.RunAsync,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == WorkerMode)
        {
            await IntakeWorkerExtensions.BuildIntakeWorker(args[1..]).RunAsync();
            return 0;
        }

        var defaults = new PerfOptions { OutputDirectory = DefaultOutputDirectory() };
        var scenarios = new Argument<string[]>("scenario")
        {
            Description = $"Scenarios to run: {string.Join(", ", Scenarios.Keys)} (memory is measured within {IntakeThroughputScenario.Name}). All when omitted.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        scenarios.AcceptOnlyFromAmong([.. Scenarios.Keys]);
        var notifications = new Option<int>("--notifications") { DefaultValueFactory = _ => defaults.Notifications, Description = "Notifications in intake-throughput." };
        var naive = new Option<int>("--naive-notifications") { DefaultValueFactory = _ => defaults.NaiveNotifications, Description = "Notifications the naive twin processes (it is slow)." };
        var claimCases = new Option<int>("--claim-cases") { DefaultValueFactory = _ => defaults.ClaimCases, Description = "Cases the claimers drain." };
        var claimPool = new Option<int>("--claim-pool") { DefaultValueFactory = _ => defaults.ClaimPoolSize, Description = "Postgres connections the 64 claimers share." };
        var rate = new Option<int>("--latency-rate") { DefaultValueFactory = _ => defaults.LatencyRate, Description = "Notifications per second in latency." };
        var seconds = new Option<int>("--latency-seconds") { DefaultValueFactory = _ => defaults.LatencySeconds, Description = "Duration of latency." };
        var scaleOut = new Option<int>("--scale-out-notifications") { DefaultValueFactory = _ => defaults.ScaleOutNotifications, Description = "Notifications per scale-out run." };
        var postgres = new Option<string?>("--postgres") { Description = "Connection string of a Postgres server to measure instead of a throwaway one (databases are created on it)." };
        var metricsEvents = new Option<int>("--metrics-events") { DefaultValueFactory = _ => defaults.MetricsEvents, Description = "Case events replayed in metrics-replay (at least)." };
        var familyCases = new Option<int>("--family-cases") { DefaultValueFactory = _ => defaults.FamilyCases, Description = "Case events relayed and notifications sent in family." };
        var familyParallelism = new Option<int>("--family-parallelism") { DefaultValueFactory = _ => defaults.FamilyParallelism, Description = "Sends in flight per dispatcher in family." };
        var metricsStoreOnly = new Option<bool>("--metrics-store-only") { Description = "metrics-replay without Kafka: the projection store alone." };
        var output = new Option<string>("--out") { DefaultValueFactory = _ => defaults.OutputDirectory, Description = "Where results are written." };
        var root = new RootCommand("Medical examiner pipeline benchmarks (not tests: nothing here asserts on time).")
        {
            scenarios, notifications, naive, claimCases, claimPool, rate, seconds, scaleOut, metricsEvents, metricsStoreOnly, familyCases, familyParallelism, postgres, output,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var options = defaults with
            {
                Notifications = parse.GetValue(notifications),
                NaiveNotifications = parse.GetValue(naive),
                ClaimCases = parse.GetValue(claimCases),
                ClaimPoolSize = parse.GetValue(claimPool),
                LatencyRate = parse.GetValue(rate),
                LatencySeconds = parse.GetValue(seconds),
                ScaleOutNotifications = parse.GetValue(scaleOut),
                MetricsEvents = parse.GetValue(metricsEvents),
                FamilyCases = parse.GetValue(familyCases),
                FamilyParallelism = parse.GetValue(familyParallelism),
                MetricsStoreOnly = parse.GetValue(metricsStoreOnly),
                OutputDirectory = parse.GetValue(output)!,
            };
            var selected = parse.GetValue(scenarios) is { Length: > 0 } chosen ? chosen : [.. Scenarios.Keys];
            var command = "dotnet run -c Release --project perf/MedicalExaminer.Perf -- " + string.Join(' ', args);
            var machine = Machine.Current();
            await using var environment = await PerfEnvironment.StartAsync(parse.GetValue(postgres), cancellationToken);
            foreach (var name in selected)
            {
                var result = await Scenarios[name](environment, options, cancellationToken);
                var (json, markdown) = await result.WriteAsync(options.OutputDirectory, machine, command.TrimEnd(), DateTimeOffset.UtcNow, cancellationToken);
                Console.WriteLine($"[{name}] written {json} and {markdown}");
            }

            return 0;
        });
        return await root.Parse(args).InvokeAsync();
    }

    /// <summary>perf/results of the repository this executable was built from.</summary>
    private static string DefaultOutputDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MedicalExaminer.sln")))
            {
                return Path.Combine(dir.FullName, "perf", "results");
            }
        }

        return Path.Combine(Environment.CurrentDirectory, "perf-results");
    }
}
