using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MedicalExaminer.Migrator;

/// <summary>
/// Applies the embedded migrations forward-only. Each migration runs in its own transaction together
/// with its journal row, so it is applied entirely or not at all. An advisory lock serialises
/// concurrent migrators (several pods, a Job and a dev host). A journal entry whose checksum no
/// longer matches the file means someone edited an applied migration: that is refused, never re-run.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner>? logger = null)
{
    // Arbitrary constant shared by every migrator of this database.
    private const long AdvisoryLockKey = 0x4D45_4D49_4752;

    private const string CreateJournalSql = """
        CREATE SCHEMA IF NOT EXISTS migrator;
        CREATE TABLE IF NOT EXISTS migrator.journal (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            checksum   text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    private readonly ILogger _logger = logger ?? NullLogger<MigrationRunner>.Instance;

    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateJournalSql, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<(int Version, string Checksum)>(
                new CommandDefinition("SELECT version, checksum FROM migrator.journal", cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Version, r => r.Checksum);

            var done = new List<Migration>();
            foreach (var migration in MigrationCatalog.All)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {migration.Name} was changed after it was applied (checksum mismatch). Add a new migration instead.");
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO migrator.journal (version, name, checksum) VALUES (@Version, @Name, @Checksum)",
                    migration, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                LogApplied(_logger, migration.Version, migration.Name);
                done.Add(migration);
            }

            return done;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>The highest applied version, or 0 when nothing is applied yet.</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await CurrentVersionAsync(connection, cancellationToken);
    }

    internal static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass('migrator.journal') IS NOT NULL", cancellationToken: cancellationToken));
        return exists
            ? await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT coalesce(max(version), 0) FROM migrator.journal", cancellationToken: cancellationToken))
            : 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} {Name}")]
    private static partial void LogApplied(ILogger logger, int version, string name);
}
