using MedicalExaminer.Contracts;
using MedicalExaminer.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MedicalExaminer.Migrations;

/// <summary>
/// Readiness: the database is reachable and at least at the schema version this build was made for
/// (<see cref="MigrationCatalog.LatestVersion"/>). A pod that starts before the migration Job has run
/// stays out of the Service until it has. It lives with the migrations (a library every service and the
/// Migrator executable reference), not in MedicalExaminer.Postgres, because it needs the catalog and the journal.
/// </summary>
public sealed class SchemaVersionHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public const string Name = "schema-version";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var required = MigrationCatalog.LatestVersion;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var current = await MigrationRunner.CurrentVersionAsync(connection, cancellationToken);
            var data = new Dictionary<string, object> { ["current"] = current, ["required"] = required };
            return current >= required
                ? HealthCheckResult.Healthy($"schema version {current}", data)
                : HealthCheckResult.Unhealthy($"schema version {current}, this build needs {required}: run the migrator", data: data);
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
    }
}

public static class PostgresContextExtensions
{
    /// <summary>
    /// A service's database: its <see cref="NpgsqlDataSource"/> and options (<c>AddPostgres</c>, section
    /// <paramref name="section"/>) and the <see cref="SchemaVersionHealthCheck"/> on it, tagged for readiness.
    /// </summary>
    public static IServiceCollection AddPostgresContext(this IServiceCollection services, IConfiguration configuration, string section = "Postgres")
    {
        services.AddPostgres(configuration, section);
        services.AddHealthChecks().AddCheck<SchemaVersionHealthCheck>(SchemaVersionHealthCheck.Name, tags: [HealthTags.Ready]);
        return services;
    }
}
