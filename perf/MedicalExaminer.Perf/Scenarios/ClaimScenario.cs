using MedicalExaminer.Postgres;
using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Domain.Casework;
using MedicalExaminer.Casework;
using MedicalExaminer.Perf.Harness;
using MedicalExaminer.ScrutinyApi.Casework;
using MedicalExaminer.SyntheticData;
using Npgsql;

namespace MedicalExaminer.Perf.Scenarios;

/// <summary>
/// Scenario 3, claim: 64 examiners at once drain one office's queues of <see cref="PerfOptions.ClaimCases"/>
/// cases with the real claim next (<c>FOR UPDATE SKIP LOCKED</c>, one transaction with its event and outbox row
/// per claim). Reports claims/s, per-claim latency and double claims (must be 0).
/// </summary>
public static class ClaimScenario
{
    public const string Name = "claim";
    private const int Claimers = 64;

    public static async Task<ScenarioResult> RunAsync(PerfEnvironment environment, PerfOptions options, CancellationToken cancellationToken)
    {
        var connectionString = await environment.CreateDatabaseAsync(Name, maxPoolSize: options.ClaimPoolSize, cancellationToken);
        await using var dataSource = PostgresServiceCollectionExtensions.CreateDataSource(connectionString);
        var office = DemoOffices.All[0];
        var cases = await SeedAsync(dataSource, office, options.ClaimCases, cancellationToken);
        Console.WriteLine($"[claim] {cases:N0} cases in {office.OfficeId}'s queues; {Claimers} claimers start");

        var store = new CaseStore(dataSource, TimeProvider.System);
        var workflow = new WorkflowOptions();
        var queues = CaseworkService.ClaimOrder(Roles.MedicalExaminer);
        var claims = new ConcurrentBag<(Guid CaseId, double Milliseconds)>();
        var (pgBefore, harnessBefore) = (environment.PostgresCpuSeconds(), PerfEnvironment.HarnessCpuSeconds());
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Claimers).Select(i => Task.Run(async () =>
        {
            var actor = new Actor($"perf-examiner-{i:00}", Roles.MedicalExaminer, office.OfficeId);
            for (var attempt = 0; attempt <= cases; attempt++)
            {
                var before = Stopwatch.GetTimestamp();
                var outcome = await store.ClaimNextAsync(actor, office.OfficeId, queues, workflow, cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(before).TotalMilliseconds;
                if (outcome.Status == CommandStatus.NothingToClaim)
                {
                    return;
                }

                if (outcome.Status != CommandStatus.Applied)
                {
                    throw new InvalidOperationException($"claim next answered {outcome.Status}");
                }

                claims.Add((outcome.Case!.CaseId, elapsed));
            }
        }, cancellationToken)));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var postgresCpuMs = (environment.PostgresCpuSeconds() - pgBefore) * 1000 / claims.Count;
        var clientCpuMs = (PerfEnvironment.HarnessCpuSeconds() - harnessBefore) * 1000 / claims.Count;

        var latencies = claims.Select(c => c.Milliseconds).Order().ToList();
        var doubleClaims = claims.Count - claims.Select(c => c.CaseId).Distinct().Count();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var unclaimed = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM casework.cases WHERE assigned_examiner IS NULL");
        var claimEvents = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM casework.case_history WHERE event_type = 'CaseAssigned'");

        return new ScenarioResult(Name, $"{Claimers} concurrent claimers drain {cases:N0} cases through a pool of {options.ClaimPoolSize} connections")
            .Figure("claims_per_s", Stats.Round(claims.Count / seconds), "claims per second, all claimers together")
            .Figure("claim_p50_ms", Stats.Round(Stats.Percentile(latencies, 50), 2), "median time of one claim next")
            .Figure("claim_p99_ms", Stats.Round(Stats.Percentile(latencies, 99), 2), "99th percentile of one claim next")
            .Figure("claim_max_ms", Stats.Round(latencies.Count == 0 ? 0 : latencies[^1], 2), "slowest claim next")
            .Figure("claims", claims.Count, "claims made")
            .Figure("double_claims", doubleClaims, "cases handed to two claimers (must be 0)")
            .Figure("unclaimed_left", unclaimed, "cases never claimed (must be 0)")
            .Figure("claim_events", claimEvents, "CaseAssigned events written (must equal the cases)")
            .Figure("seconds", Stats.Round(seconds, 2), "wall time to drain the queues")
            .Figure("claim_postgres_cpu_ms", Stats.Round(postgresCpuMs, 3), "CPU ms Postgres spent per claim")
            .Figure("claim_client_cpu_ms", Stats.Round(clientCpuMs, 3), "CPU ms the claimers' process spent per claim")
            .Figure("claim_cpu_bound_per_s", Stats.Round(Environment.ProcessorCount * 1000 / (postgresCpuMs + clientCpuMs)), "claims/s the machine's cores could sustain at these CPU costs");
    }

    private static async Task<int> SeedAsync(NpgsqlDataSource dataSource, OfficeCoverage office, int count, CancellationToken cancellationToken)
    {
        // Every case to one office and straight to scrutiny (urgent releases among them): the queues 64 people drain.
        var mix = new SyntheticMix(DuplicateRate: 0, InvalidRate: 0, UnroutedRate: 0, CoronerReferralRate: 0, UrgentReleaseRate: 0.05);
        var generator = new NotificationGenerator(seed: 3, mix, offices: [office]);
        var writer = new CaseIntakeWriter(dataSource);
        var written = 0;
        foreach (var chunk in SyntheticCases.Open(generator.Take(count), DateTimeOffset.UtcNow).Chunk(5_000))
        {
            written += (await writer.WriteAsync(chunk, cancellationToken)).CreatedCaseIds.Count;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync("VACUUM ANALYZE casework.cases");
        return written;
    }
}
