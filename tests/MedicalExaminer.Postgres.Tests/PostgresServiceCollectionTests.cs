using MedicalExaminer.Contracts;
using MedicalExaminer.Migrations;
using MedicalExaminer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.Postgres.Tests;

public sealed class PostgresServiceCollectionTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task one_data_source_serves_the_configured_database_and_the_ready_check_sees_its_schema()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync(Ct);
        await using var provider = Build(new() { ["Postgres:ConnectionString"] = connectionString });

        var dataSource = provider.GetRequiredService<NpgsqlDataSource>();
        Assert.Same(dataSource, provider.GetRequiredService<NpgsqlDataSource>());
        await using (var connection = await dataSource.OpenConnectionAsync(Ct))
        {
            Assert.Equal(new NpgsqlConnectionStringBuilder(connectionString).Database, connection.Database);
        }

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains(HealthTags.Ready), Ct);
        Assert.Equal(HealthStatus.Healthy, report.Entries[SchemaVersionHealthCheck.Name].Status);
    }

    [Fact]
    public async Task other_section_name_is_honoured()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync(Ct);
        await using var provider = Build(new() { ["Casework:ConnectionString"] = connectionString }, "Casework");

        await using var connection = await provider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(Ct);
        Assert.Equal(new NpgsqlConnectionStringBuilder(connectionString).Database, connection.Database);
    }

    [Fact]
    public async Task missing_connection_string_fails_validation()
    {
        await using var provider = Build([]);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PostgresOptions>>().Value);
        Assert.Contains(nameof(PostgresOptions.ConnectionString), error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, string section = "Postgres")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPostgresContext(configuration, section);
        return services.BuildServiceProvider();
    }
}
