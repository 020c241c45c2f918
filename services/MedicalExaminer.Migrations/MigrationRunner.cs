using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MedicalExaminer.Migrations;

/// <summary>
/// Applies migrations forward-only. Each migration runs in its own transaction together with its
/// journal row, so it is applied entirely or not at all. An advisory lock serialises concurrent
/// migrators (a Job, a dev host, several test fixtures). A journal entry whose checksum no longer
/// matches the file means someone edited an applied migration: that is refused, never re-run.
/// </summary>
public sealed partial class MigrationRunner
{
    // Arbitrary constant shared by every migrator of a database ("MEMIGR").
    private const long AdvisoryLockKey = 0x4D45_4D49_4752;

    private const string CreateJournalSql = """
        CREATE SCHEMA IF NOT EXISTS migrator;
        CREATE TABLE IF NOT EXISTS migrator.journal (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            checksum   text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        -- Every service checks the schema version at readiness, logged in as its own role (not the owner):
        -- the journal (versions, names, checksums; nothing personal) is readable by all, writable by none.
        GRANT USAGE ON SCHEMA migrator TO PUBLIC;
        GRANT SELECT ON migrator.journal TO PUBLIC;
        """;

    private const string InsertJournalSql = """
        INSERT INTO migrator.journal (version, name, checksum) VALUES (@Version, @Name, @Checksum)
        """;

    // No client-side timeout: an index build on a large table may take minutes, and a second migrator
    // waits on the lock for as long as the first one works. The caller's token (or the Job's deadline) bounds both.
    private const int NoTimeout = 0;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly ILogger _logger;

    /// <summary>A runner of the migrations embedded in this assembly (<see cref="MigrationCatalog.All"/>).</summary>
    public MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner>? logger = null)
        : this(dataSource, MigrationCatalog.All, logger)
    {
    }

    /// <summary>A runner of the given migrations (tests of the runner itself).</summary>
    public MigrationRunner(NpgsqlDataSource dataSource, IReadOnlyList<Migration> migrations, ILogger<MigrationRunner>? logger = null)
    {
        _dataSource = dataSource;
        _migrations = [.. migrations.OrderBy(m => m.Version)];
        _logger = logger ?? NullLogger<MigrationRunner>.Instance;
    }

    /// <summary>Applies every migration not yet in the journal, in version order; returns those it applied.</summary>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(Command("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(Command(CreateJournalSql, cancellationToken: cancellationToken));
            var journal = (await connection.QueryAsync<(int Version, string Checksum)>(
                    Command("SELECT version, checksum FROM migrator.journal", cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Version, r => r.Checksum);
            var pending = Verify(journal);

            foreach (var migration in pending)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(Command(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(Command(InsertJournalSql, migration, transaction, cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                LogApplied(_logger, migration.Version, migration.Name);
            }

            if (pending.Count == 0)
            {
                LogUpToDate(_logger, journal.Count == 0 ? 0 : journal.Keys.Max());
            }

            return pending;
        }
        finally
        {
            // Runs even when cancelled: a lock left on a pooled connection would block the next migrator.
            await connection.ExecuteAsync(Command("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>The highest applied version, or 0 when nothing is applied yet.</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await CurrentVersionAsync(connection, cancellationToken);
    }

    internal static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Two statements: a query naming a missing table fails at parse time, whatever guards it.
        var journalExists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass('migrator.journal') IS NOT NULL", cancellationToken: cancellationToken));
        return journalExists
            ? await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT coalesce(max(version), 0) FROM migrator.journal", cancellationToken: cancellationToken))
            : 0;
    }

    /// <summary>Checks the journal against the known migrations and returns those still to apply.</summary>
    private List<Migration> Verify(Dictionary<int, string> journal)
    {
        foreach (var migration in _migrations)
        {
            if (journal.TryGetValue(migration.Version, out var checksum) && checksum != migration.Checksum)
            {
                throw new MigrationException(
                    $"Migration {migration.Version} ({migration.Name}) was changed after it was applied: its checksum no longer matches the journal. Add a new migration instead.");
            }
        }

        var pending = _migrations.Where(m => !journal.ContainsKey(m.Version)).ToList();
        var latestApplied = journal.Count == 0 ? 0 : journal.Keys.Max();
        var late = pending.FirstOrDefault(m => m.Version < latestApplied);
        if (late is not null)
        {
            // Applying it now would run it against a schema its author never saw (it was numbered before a newer, applied one).
            throw new MigrationException(
                $"Migration {late.Version} ({late.Name}) is older than the applied version {latestApplied}. Renumber it after {latestApplied}.");
        }

        var unknown = journal.Keys.Where(v => _migrations.All(m => m.Version != v)).Order().ToList();
        if (unknown.Count > 0)
        {
            // A newer build migrated this database already (a rollback of the service): forward-only, so leave it be.
            LogAheadOfBuild(_logger, string.Join(", ", unknown));
        }

        return pending;
    }

    private static CommandDefinition Command(string sql, object? parameters = null, NpgsqlTransaction? transaction = null, CancellationToken cancellationToken = default) =>
        new(sql, parameters, transaction, commandTimeout: NoTimeout, cancellationToken: cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} {Name}")]
    private static partial void LogApplied(ILogger logger, int version, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema already at version {Version}; nothing to apply")]
    private static partial void LogUpToDate(ILogger logger, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The journal holds versions this build does not know ({Versions}); left as they are")]
    private static partial void LogAheadOfBuild(ILogger logger, string versions);
}
