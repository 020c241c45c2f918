using System.Net;
using System.Net.Sockets;
using Dapper;
using MedicalExaminer.Postgres;
using Npgsql;

namespace MedicalExaminer.Postgres.Tests;

/// <summary>Each test starts a cluster of its own, because these tests stop, crash and delete it.</summary>
public sealed class LocalPostgresTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task started_server_accepts_connections_to_its_database_on_loopback()
    {
        await using var postgres = await LocalPostgres.StartAsync(cancellationToken: Ct);

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(Ct);
        var (database, serverPort, listen) = await connection.QuerySingleAsync<(string, int, string)>(
            "SELECT current_database(), current_setting('port')::int, current_setting('listen_addresses')");

        Assert.Equal("medical_examiner", database);
        Assert.Equal(postgres.Port, serverPort);
        Assert.Equal("127.0.0.1", listen);
        Assert.Equal("127.0.0.1", new NpgsqlConnectionStringBuilder(postgres.ConnectionString).Host);
    }

    [Fact]
    public async Task fast_durability_settings_follow_the_option()
    {
        await using var fast = await LocalPostgres.StartAsync(cancellationToken: Ct);
        await using var durable = await LocalPostgres.StartAsync(new LocalPostgresOptions { FastUnsafeDurability = false }, Ct);

        Assert.Equal(["off", "off", "off"], await DurabilitySettingsAsync(fast.ConnectionString));
        Assert.Equal(["on", "on", "on"], await DurabilitySettingsAsync(durable.ConnectionString));
    }

    [Fact]
    public async Task restart_keeps_committed_data_and_the_port()
    {
        await using var postgres = await LocalPostgres.StartAsync(cancellationToken: Ct);
        var port = postgres.Port;
        await ExecuteAsync(postgres.ConnectionString, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2), (3)");

        await postgres.RestartAsync(Ct);

        Assert.Equal(port, postgres.Port);
        Assert.Equal(3, await CountAsync(postgres.ConnectionString, "kept"));
    }

    [Fact]
    public async Task stopped_server_refuses_connections_until_started_again()
    {
        await using var postgres = await LocalPostgres.StartAsync(cancellationToken: Ct);
        await ExecuteAsync(postgres.ConnectionString, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");

        await postgres.StopAsync(Ct);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => CountAsync(postgres.ConnectionString, "kept"));

        await postgres.StartAgainAsync(Ct);
        Assert.Equal(1, await CountAsync(postgres.ConnectionString, "kept"));
    }

    [Fact]
    public async Task crash_stop_recovers_committed_data_when_durable()
    {
        await using var postgres = await LocalPostgres.StartAsync(new LocalPostgresOptions { FastUnsafeDurability = false }, Ct);
        await ExecuteAsync(postgres.ConnectionString, "CREATE TABLE kept (id int); INSERT INTO kept SELECT generate_series(1, 1000)");

        await postgres.StopAsync(LocalPostgresStopMode.Immediate, Ct);
        await postgres.StartAgainAsync(Ct);

        Assert.Equal(1000, await CountAsync(postgres.ConnectionString, "kept"));
    }

    [Fact]
    public async Task created_database_is_separate_from_the_default_one()
    {
        await using var postgres = await LocalPostgres.StartAsync(cancellationToken: Ct);
        await ExecuteAsync(postgres.ConnectionString, "CREATE TABLE only_in_default (id int)");

        var other = await postgres.CreateDatabaseAsync("isolated", Ct);

        Assert.Equal("isolated", new NpgsqlConnectionStringBuilder(other).Database);
        await using var connection = new NpgsqlConnection(other);
        await connection.OpenAsync(Ct);
        Assert.False(await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('only_in_default') IS NOT NULL"));
    }

    [Fact]
    public async Task dispose_stops_the_server_removes_its_directory_and_frees_the_port()
    {
        var postgres = await LocalPostgres.StartAsync(cancellationToken: Ct);
        var directory = postgres.RootDirectory;
        var port = postgres.Port;
        Assert.True(Directory.Exists(directory));

        await postgres.DisposeAsync();

        Assert.False(Directory.Exists(directory), "the cluster's folder must be deleted on dispose");
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<int>(postgres.ConnectionString, "SELECT 1"));
    }

    [Fact]
    public async Task fixed_port_is_used()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var postgres = await LocalPostgres.StartAsync(new LocalPostgresOptions { Port = port, Database = "other_name" }, Ct);

        Assert.Equal(port, postgres.Port);
        Assert.Equal(port, await ScalarAsync<int>(postgres.ConnectionString, "SELECT current_setting('port')::int"));
        Assert.Equal("other_name", new NpgsqlConnectionStringBuilder(postgres.ConnectionString).Database);
    }

    private static async Task<string[]> DurabilitySettingsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var row = await connection.QuerySingleAsync<(string, string, string)>(
            "SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes')");
        return [row.Item1, row.Item2, row.Item3];
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync(sql);
    }

    private static Task<long> CountAsync(string connectionString, string table) =>
        ScalarAsync<long>(connectionString, $"SELECT count(*) FROM {table}");

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }
}
