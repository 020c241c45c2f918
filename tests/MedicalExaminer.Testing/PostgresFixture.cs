using System.Collections.Concurrent;
using MedicalExaminer.Migrations;
using MedicalExaminer.Postgres;
using Npgsql;
using Xunit;

namespace MedicalExaminer.Testing;

/// <summary>
/// One PostgreSQL server per test assembly (<c>[assembly: AssemblyFixture(typeof(PostgresFixture))]</c>):
/// a throwaway local cluster, or the server named by the <c>ME_TEST_POSTGRES</c> connection string.
/// Each test takes a database of its own, so tests stay isolated and run in parallel.
/// </summary>
/// <remarks>
/// Migrations run once, into a template database; every migrated test database is a copy of it
/// (<c>CREATE DATABASE … TEMPLATE</c>), which is cheaper than migrating each one and stays cheap as
/// migrations accumulate.
/// </remarks>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string ServerVariable = "ME_TEST_POSTGRES";

    private readonly ConcurrentQueue<string> _createdDatabases = new();
    private readonly string _template = $"me_template_{Guid.NewGuid():N}";
    private LocalPostgres? _local;
    private string _serverConnectionString = "";

    /// <summary>
    /// Settings of the throwaway cluster (default: fast and unsafe durability). A test that crashes the server and
    /// counts rows needs <c>FastUnsafeDurability = false</c>: otherwise the server itself loses its last commits.
    /// </summary>
    public LocalPostgresOptions? LocalOptions { get; init; }

    /// <summary>The local cluster, or null when <c>ME_TEST_POSTGRES</c> names a server.</summary>
    public LocalPostgres? Local => _local;

    /// <summary>A connection string to the server's initial database (for server-wide statements).</summary>
    public string ServerConnectionString => _serverConnectionString;

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            _local = await LocalPostgres.StartAsync(LocalOptions);
            _serverConnectionString = _local.ConnectionString;
        }
        else
        {
            _serverConnectionString = configured;
        }

        await ExecuteOnServerAsync($"CREATE DATABASE {_template}", CancellationToken.None);
        _createdDatabases.Enqueue(_template);
        var templateConnection = new NpgsqlConnectionStringBuilder(ConnectionStringFor(_template)) { Pooling = false }.ConnectionString;
        await using (var dataSource = NpgsqlDataSource.Create(templateConnection))
        {
            await new MigrationRunner(dataSource).MigrateAsync();
        }

        // A session open on a template makes CREATE DATABASE from it fail; nothing should ever connect again.
        await ExecuteOnServerAsync($"ALTER DATABASE {_template} WITH ALLOW_CONNECTIONS false", CancellationToken.None);
    }

    /// <summary>A new database with every migration applied; returns its connection string.</summary>
    public Task<string> CreateMigratedDatabaseAsync(CancellationToken cancellationToken = default) =>
        CreateAsync($"TEMPLATE {_template}", cancellationToken);

    /// <summary>A new database without any migration (for tests of the migrator itself); returns its connection string.</summary>
    public Task<string> CreateEmptyDatabaseAsync(CancellationToken cancellationToken = default) =>
        CreateAsync("", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_local is not null)
        {
            // The whole cluster goes, databases and all.
            await _local.DisposeAsync();
            return;
        }

        // A shared server keeps nothing of ours.
        while (_createdDatabases.TryDequeue(out var database))
        {
            await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", CancellationToken.None);
        }
    }

    private async Task<string> CreateAsync(string clause, CancellationToken cancellationToken)
    {
        var name = $"test_{Guid.NewGuid():N}";
        await ExecuteOnServerAsync($"CREATE DATABASE {name} {clause}", cancellationToken);
        _createdDatabases.Enqueue(name);
        return ConnectionStringFor(name);
    }

    private string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = database }.ConnectionString;

    private async Task ExecuteOnServerAsync(string sql, CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
