using Dapper;
using MedicalExaminer.Migrations;
using MedicalExaminer.Testing;
using Npgsql;

namespace MedicalExaminer.Postgres.Tests;

public sealed class PostgresFixtureTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task migrated_databases_are_at_the_latest_version_and_isolated_from_each_other()
    {
        var first = await postgres.CreateMigratedDatabaseAsync(Ct);
        var second = await postgres.CreateMigratedDatabaseAsync(Ct);
        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);

        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.ExecuteAsync("INSERT INTO casework.offices (office_id, name) VALUES ('ME-TEST', 'Test office')");
        }

        await using var other = new NpgsqlConnection(second);
        Assert.Equal(0, await other.ExecuteScalarAsync<long>("SELECT count(*) FROM casework.offices"));
        await using var dataSource = NpgsqlDataSource.Create(second);
        Assert.Equal(MigrationCatalog.LatestVersion, await new MigrationRunner(dataSource).CurrentVersionAsync(Ct));
    }

    [Fact]
    public async Task many_databases_can_be_created_at_once()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => postgres.CreateMigratedDatabaseAsync(Ct)));

        Assert.Equal(8, created.Distinct().Count());
    }
}
