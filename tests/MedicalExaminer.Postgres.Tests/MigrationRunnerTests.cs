using Dapper;
using MedicalExaminer.Migrations;
using MedicalExaminer.Testing;
using Npgsql;

namespace MedicalExaminer.Postgres.Tests;

public sealed class MigrationRunnerTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task first_run_applies_every_migration_in_order_and_journals_each()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));

        var applied = await new MigrationRunner(dataSource).MigrateAsync(Ct);

        Assert.Equal(MigrationCatalog.All.Select(m => m.Version), applied.Select(m => m.Version));
        await using var connection = await dataSource.OpenConnectionAsync(Ct);
        var journal = (await connection.QueryAsync<(int Version, string Name, string Checksum)>(
            "SELECT version, name, checksum FROM migrator.journal ORDER BY version")).ToList();
        Assert.Equal(MigrationCatalog.All.Select(m => (m.Version, m.Name, m.Checksum)), journal);
        Assert.Equal(MigrationCatalog.LatestVersion, await new MigrationRunner(dataSource).CurrentVersionAsync(Ct));
    }

    [Fact]
    public async Task second_run_applies_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));
        await new MigrationRunner(dataSource).MigrateAsync(Ct);

        var again = await new MigrationRunner(dataSource).MigrateAsync(Ct);

        Assert.Empty(again);
        Assert.Equal(MigrationCatalog.All.Count, await JournalCountAsync(dataSource));
    }

    [Fact]
    public async Task current_version_of_an_empty_database_is_zero()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));

        Assert.Equal(0, await new MigrationRunner(dataSource).CurrentVersionAsync(Ct));
    }

    [Fact]
    public async Task applied_migration_whose_checksum_changed_is_refused_and_nothing_else_runs()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));
        await new MigrationRunner(dataSource, [Migration.FromSql(1, "0001_first", "CREATE TABLE first (id int)")]).MigrateAsync(Ct);
        Migration[] edited =
        [
            Migration.FromSql(1, "0001_first", "CREATE TABLE first (id bigint)"),
            Migration.FromSql(2, "0002_second", "CREATE TABLE second (id int)"),
        ];

        var error = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(dataSource, edited).MigrateAsync(Ct));

        Assert.Contains("changed after it was applied", error.Message, StringComparison.Ordinal);
        Assert.False(await TableExistsAsync(dataSource, "second"), "no migration may run once the journal disagrees with the files");
        Assert.Equal(1, await JournalCountAsync(dataSource));
    }

    [Fact]
    public async Task embedded_migration_edited_after_it_was_applied_is_refused()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));
        await new MigrationRunner(dataSource).MigrateAsync(Ct);
        await using (var connection = await dataSource.OpenConnectionAsync(Ct))
        {
            await connection.ExecuteAsync("UPDATE migrator.journal SET checksum = 'checksum-of-an-older-text' WHERE version = 1");
        }

        await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(dataSource).MigrateAsync(Ct));
    }

    [Fact]
    public async Task failing_migration_leaves_neither_its_changes_nor_a_journal_row()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));
        Migration[] migrations =
        [
            Migration.FromSql(1, "0001_good", "CREATE TABLE good (id int)"),
            Migration.FromSql(2, "0002_bad", "CREATE TABLE half_done (id int); SELECT 1 / 0;"),
        ];

        await Assert.ThrowsAsync<PostgresException>(() => new MigrationRunner(dataSource, migrations).MigrateAsync(Ct));

        Assert.True(await TableExistsAsync(dataSource, "good"), "the migration before the failing one stays applied");
        Assert.False(await TableExistsAsync(dataSource, "half_done"), "a failed migration must roll back entirely");
        Assert.Equal(1, await new MigrationRunner(dataSource, migrations).CurrentVersionAsync(Ct));
    }

    [Fact]
    public async Task later_migrations_apply_on_top_of_earlier_ones()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));
        var first = Migration.FromSql(1, "0001_first", "CREATE TABLE first (id int)");
        await new MigrationRunner(dataSource, [first]).MigrateAsync(Ct);

        var applied = await new MigrationRunner(dataSource, [first, Migration.FromSql(2, "0002_second", "ALTER TABLE first ADD COLUMN name text")]).MigrateAsync(Ct);

        Assert.Equal([2], applied.Select(m => m.Version));
        Assert.Equal(2, await new MigrationRunner(dataSource).CurrentVersionAsync(Ct));
    }

    [Fact]
    public async Task migration_numbered_below_an_applied_one_is_refused()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));
        var third = Migration.FromSql(3, "0003_third", "CREATE TABLE third (id int)");
        await new MigrationRunner(dataSource, [third]).MigrateAsync(Ct);

        var error = await Assert.ThrowsAsync<MigrationException>(
            () => new MigrationRunner(dataSource, [Migration.FromSql(2, "0002_late", "CREATE TABLE late (id int)"), third]).MigrateAsync(Ct));

        Assert.Contains("older than the applied version 3", error.Message, StringComparison.Ordinal);
        Assert.False(await TableExistsAsync(dataSource, "late"));
    }

    [Fact]
    public async Task concurrent_runners_apply_each_migration_exactly_once()
    {
        var connectionString = await postgres.CreateEmptyDatabaseAsync(Ct);
        var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        try
        {
            // Slow enough that the runners overlap: without the lock the second CREATE TABLE fails or a row is doubled.
            Migration[] migrations =
            [
                Migration.FromSql(1, "0001_counted", "CREATE TABLE counted (id int); SELECT pg_sleep(0.3); INSERT INTO counted VALUES (1);"),
                Migration.FromSql(2, "0002_more", "INSERT INTO counted VALUES (2);"),
            ];

            var results = await Task.WhenAll(sources.Select(s => Task.Run(() => new MigrationRunner(s, migrations).MigrateAsync(Ct), Ct)));

            Assert.Equal(2, results.Sum(r => r.Count));
            await using var connection = await sources[0].OpenConnectionAsync(Ct);
            Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM counted"));
            Assert.Equal(2, await JournalCountAsync(sources[0]));
        }
        finally
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task casework_tables_exist_after_migration()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync(Ct));
        await new MigrationRunner(dataSource).MigrateAsync(Ct);

        await using var connection = await dataSource.OpenConnectionAsync(Ct);
        var tables = (await connection.QueryAsync<string>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'casework' ORDER BY table_name")).ToList();
        Assert.Equal(["audit_log", "case_history", "cases", "family_notifications", "office_postcode_districts", "office_sites", "offices", "outbox", "triage_reasons"], tables);
        Assert.True(await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'cases_notification_identity' AND contype = 'u')"),
            "intake idempotency depends on the unique (source_system, notification_id) constraint");
    }

    private static async Task<bool> TableExistsAsync(NpgsqlDataSource dataSource, string table)
    {
        await using var connection = await dataSource.OpenConnectionAsync(Ct);
        return await connection.ExecuteScalarAsync<bool>("SELECT to_regclass(@table) IS NOT NULL", new { table });
    }

    private static async Task<long> JournalCountAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync(Ct);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM migrator.journal");
    }
}
