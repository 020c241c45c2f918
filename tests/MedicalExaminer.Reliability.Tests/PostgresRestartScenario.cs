using System.Globalization;
using Dapper;
using MedicalExaminer.Postgres;
using MedicalExaminer.Testing;
using Npgsql;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>
/// A throwaway Postgres server of the scenario's own: restarting the assembly's server would cut every other
/// scenario's connections too, and then these runs would have to go alone, after all the others. It is durable
/// (fsync and synchronous commit on): with the suite's fast settings an immediate stop loses the last commits in
/// the server itself — the matrix's first runs lost 16 committed cases that way, in one seed of five.
/// </summary>
public sealed class RestartablePostgres : IAsyncLifetime
{
    public PostgresFixture Server { get; } = new() { LocalOptions = new LocalPostgresOptions { FastUnsafeDurability = false } };

    public ValueTask InitializeAsync() => Server.InitializeAsync();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// Fault matrix: Postgres restart mid-batch — the server is stopped in immediate mode (in-flight transactions are cut,
/// as in a crash) while intake has a batch in flight, and started again. The in-process worker is never restarted:
/// it must recover by itself.
/// </summary>
public sealed class PostgresRestartScenario(RestartablePostgres own, KafkaClusterFixture kafka) : IClassFixture<KafkaClusterFixture>, IClassFixture<RestartablePostgres>
{
    private readonly PostgresFixture postgres = own.Server;

    [Theory]
    [MemberData(nameof(FaultMatrix.Seeds), MemberType = typeof(FaultMatrix))]
    public async Task postgres_restart_mid_batch_loses_and_duplicates_no_case_and_the_worker_recovers_by_itself(int seed)
    {
        var server = postgres.Local ?? throw new InvalidOperationException($"This scenario restarts the throwaway server; it cannot run against {PostgresFixture.ServerVariable}.");
        await IntakeRun.RunAsync("postgres restart mid-batch", seed, postgres, kafka, async (pipeline, _) =>
        {
            var inFlight = await WaitForIntakeBatchInFlightAsync(pipeline, TimeSpan.FromSeconds(5));
            var down = pipeline.Random.Between(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2));
            await server.StopAsync(LocalPostgresStopMode.Immediate);
            try
            {
                await Task.Delay(down);
            }
            finally
            {
                await server.StartAgainAsync();
            }

            return string.Create(CultureInfo.InvariantCulture, $"batch-in-flight-at-stop={inFlight} down {down.TotalSeconds:0.0}s");
        });
    }

    /// <summary>Polls until an intake session is inside its batch (its staging tables are named <c>intake_*</c>).</summary>
    private static async Task<bool> WaitForIntakeBatchInFlightAsync(Pipeline pipeline, TimeSpan timeout)
    {
        const string sql = """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND state IN ('active', 'idle in transaction') AND query LIKE '%intake\_%'
            """;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pipeline.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await connection.ExecuteScalarAsync<long>(sql) > 0)
            {
                return true;
            }
        }

        return false;
    }
}
