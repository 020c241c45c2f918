using MedicalExaminer.IntakeWorker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MedicalExaminer.IntakeWorker.Tests;

/// <summary>The real intake worker, hosted in the test process against the test's Kafka topic and database.</summary>
public sealed class IntakeWorkerRunner : IAsyncDisposable
{
    private readonly WebApplication _app;

    private bool _started;

    private IntakeWorkerRunner(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    public static async Task<IntakeWorkerRunner> StartAsync(IntakeScenario scenario, Action<WebApplicationBuilder>? configure = null)
    {
        var runner = await BuildAsync(scenario, configure);
        await runner._app.StartAsync();
        runner._started = true;
        return runner;
    }

    /// <summary>The worker's composed services without starting its hosted consumer.</summary>
    public static Task<IntakeWorkerRunner> BuildAsync(IntakeScenario scenario, Action<WebApplicationBuilder>? configure = null)
    {
        var app = IntakeWorkerExtensions.BuildIntakeWorker([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = scenario.BootstrapServers,
                ["Postgres:ConnectionString"] = scenario.ConnectionString,
                ["Intake:Consumer:Topic"] = scenario.Topic,
                ["Intake:Consumer:DeadLetterTopic"] = scenario.DeadLetterTopic,
                ["Intake:Consumer:GroupId"] = scenario.GroupId,
                ["Intake:Consumer:MaxBatchSize"] = "500",
                // The mock cluster holds a group that lost its last member for session.timeout.ms
                // before a newcomer may join: keep that short so a restarted worker resumes quickly.
                ["Kafka:Consumer:session.timeout.ms"] = "6000",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(builder);
        });
        return Task.FromResult(new IntakeWorkerRunner(app));
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
    }
}
