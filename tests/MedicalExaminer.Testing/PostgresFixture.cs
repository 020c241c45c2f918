using MedicalExaminer.Migrator;
using MedicalExaminer.Postgres;
using Npgsql;
using Xunit;

namespace MedicalExaminer.Testing;

/// <summary>
/// One PostgreSQL server per test assembly: a throwaway local cluster, or the server named by the
/// <c>ME_TEST_POSTGRES</c> connection string. Each test takes a fresh migrated database of its own.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private LocalPostgres? _local;
    private string _serverConnectionString = "";

    public LocalPostgres? Local => _local;

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("ME_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            _serverConnectionString = configured;
            return;
        }

        _local = await LocalPostgres.StartAsync();
        _serverConnectionString = _local.ConnectionString;
    }

    /// <summary>A new database with every migration applied; returns its connection string.</summary>
    public async Task<string> CreateMigratedDatabaseAsync()
    {
        var name = $"test_{Guid.NewGuid():N}";
        await using (var server = NpgsqlDataSource.Create(_serverConnectionString))
        await using (var create = server.CreateCommand($"CREATE DATABASE \"{name}\""))
        {
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = name }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new MigrationRunner(dataSource).MigrateAsync();
        return connectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_local is not null)
        {
            await _local.DisposeAsync();
        }
    }
}
