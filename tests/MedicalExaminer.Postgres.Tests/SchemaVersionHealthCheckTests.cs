using MedicalExaminer.Migrations;
using MedicalExaminer.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MedicalExaminer.Postgres.Tests;

public sealed class SchemaVersionHealthCheckTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task unmigrated_database_is_not_ready()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));

        var result = await CheckAsync(dataSource);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal(0, result.Data["current"]);
    }

    [Fact]
    public async Task database_becomes_ready_once_migrated()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));
        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(dataSource)).Status);

        await new MigrationRunner(dataSource).MigrateAsync(Ct);

        var result = await CheckAsync(dataSource);
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(MigrationCatalog.LatestVersion, result.Data["current"]);
    }

    [Fact]
    public async Task a_service_logged_in_as_its_own_role_sees_the_schema_version()
    {
        // Production logs in as a member of the service's role (k8s/), not as the schema owner.
        var connectionString = await postgres.CreateMigratedDatabaseAsync(Ct);
        var login = $"probe_{Guid.NewGuid():N}";
        await using var owner = NpgsqlDataSource.Create(connectionString);
        await owner.CreateCommand($"CREATE ROLE {login} LOGIN IN ROLE me_scrutiny_api").ExecuteNonQueryAsync(Ct);
        try
        {
            await using var service = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Username = login }.ConnectionString);

            var result = await CheckAsync(service);

            Assert.True(result.Status == HealthStatus.Healthy, $"{result.Status}: {result.Description} {result.Exception?.Message}");
        }
        finally
        {
            await owner.CreateCommand($"DROP ROLE {login}").ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task partly_migrated_database_is_not_ready()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));
        var older = MigrationCatalog.All.Take(MigrationCatalog.All.Count - 1).ToList();
        await new MigrationRunner(dataSource, older).MigrateAsync(Ct);

        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(dataSource)).Status);
    }

    [Fact]
    public async Task unreachable_database_is_not_ready()
    {
        var nowhere = new NpgsqlConnectionStringBuilder(await postgres.CreateMigratedDatabaseAsync(Ct)) { Port = 1, Timeout = 2 };
        await using var dataSource = NpgsqlDataSource.Create(nowhere.ConnectionString);

        var result = await CheckAsync(dataSource);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("database unreachable", result.Description);
    }

    private static Task<HealthCheckResult> CheckAsync(NpgsqlDataSource dataSource)
    {
        var check = new SchemaVersionHealthCheck(dataSource);
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration(SchemaVersionHealthCheck.Name, check, HealthStatus.Unhealthy, ["ready"]),
        };
        return check.CheckHealthAsync(context, Ct);
    }
}
