using MedicalExaminer.Migrations;
using MedicalExaminer.Testing;
using Npgsql;

namespace MedicalExaminer.IntakeWorker.Tests;

/// <summary>
/// A database migrated as production's is, in which PUBLIC may do nothing (no CONNECT, no TEMPORARY), and a
/// login role that is a member of <c>me_intake_worker</c> alone, as k8s/ declares <c>me_intake_worker_login</c>.
/// Whatever the login can do, the migrations granted to the worker's role.
/// </summary>
public sealed class IntakeRoleDatabase : IAsyncDisposable
{
    public const string Role = "me_intake_worker";

    private IntakeRoleDatabase(string ownerConnectionString, string login)
    {
        OwnerConnectionString = ownerConnectionString;
        Login = login;
        Owner = NpgsqlDataSource.Create(ownerConnectionString);
        LoginConnectionString = new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = login, Password = null }.ConnectionString;
    }

    public string OwnerConnectionString { get; }

    public string LoginConnectionString { get; }

    public string Login { get; }

    public NpgsqlDataSource Owner { get; }

    public static async Task<IntakeRoleDatabase> CreateAsync(PostgresFixture postgres, CancellationToken cancellationToken)
    {
        // Not a copy of the fixture's template: database-level grants (CONNECT, TEMPORARY) are not copied from a
        // template, so the migrations must run in this very database for their grants to be tested.
        var connectionString = await postgres.CreateEmptyDatabaseAsync(cancellationToken);
        var database = new IntakeRoleDatabase(connectionString, $"intake_login_{Guid.NewGuid():N}");
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await database.Owner.CreateCommand($"REVOKE ALL ON DATABASE {name} FROM PUBLIC").ExecuteNonQueryAsync(cancellationToken);
        await new MigrationRunner(database.Owner).MigrateAsync(cancellationToken);
        await database.Owner.CreateCommand($"CREATE ROLE {database.Login} LOGIN IN ROLE {Role}").ExecuteNonQueryAsync(cancellationToken);
        return database;
    }

    /// <summary>Sessions the login has open in this database now.</summary>
    public async Task<long> SessionsAsync()
    {
        await using var command = Owner.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND datname = current_database()");
        command.Parameters.Add(new NpgsqlParameter { Value = Login });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        // A role that still owns a session's temporary tables cannot be dropped: end its sessions first.
        await using (var terminate = Owner.CreateCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1"))
        {
            terminate.Parameters.Add(new NpgsqlParameter { Value = Login });
            await terminate.ExecuteNonQueryAsync();
        }

        await IntakeScenario.WaitUntilAsync(async () => await SessionsAsync() == 0, TimeSpan.FromSeconds(30), $"{Login}'s sessions end");
        await Owner.CreateCommand($"DROP ROLE {Login}").ExecuteNonQueryAsync();
        await Owner.DisposeAsync();
    }
}
