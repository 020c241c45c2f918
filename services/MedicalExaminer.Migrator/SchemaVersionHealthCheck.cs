using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MedicalExaminer.Migrator;

/// <summary>
/// Readiness: the database is reachable and at least at the schema version this build was made for.
/// A pod that starts before the migration Job has run stays out of the Service until it has.
/// </summary>
public sealed class SchemaVersionHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var current = await MigrationRunner.CurrentVersionAsync(connection, cancellationToken);
            return current >= MigrationCatalog.LatestVersion
                ? HealthCheckResult.Healthy($"schema version {current}")
                : HealthCheckResult.Unhealthy($"schema version {current}, expected {MigrationCatalog.LatestVersion}");
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
    }
}
