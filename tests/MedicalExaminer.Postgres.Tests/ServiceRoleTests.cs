using Dapper;
using MedicalExaminer.Migrations;
using MedicalExaminer.Testing;
using Npgsql;

namespace MedicalExaminer.Postgres.Tests;

/// <summary>
/// What the migrations grant, read back from the catalog: each service's role works in its own bounded
/// context's schema only (DESIGN §5), and nobody but the owner may change the audit log (DOMAIN §8).
/// </summary>
public sealed class ServiceRoleTests(PostgresFixture postgres)
{
    private static readonly Dictionary<string, string> OwnSchema = new(StringComparer.Ordinal)
    {
        ["me_intake_worker"] = "casework",
        ["me_scrutiny_api"] = "casework",
        ["me_family_notifier"] = "family",
        ["me_metrics"] = "metrics",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task each_service_role_works_in_its_own_contexts_schema_only_and_creates_nothing()
    {
        await using var connection = new NpgsqlConnection(await postgres.CreateMigratedDatabaseAsync(Ct));
        await connection.OpenAsync(Ct);
        var schemas = (await connection.QueryAsync<string>("""
            SELECT nspname FROM pg_namespace
            WHERE nspname NOT LIKE 'pg\_%' AND nspname NOT IN ('information_schema', 'public', 'migrator')
            """)).ToList();
        var roles = (await connection.QueryAsync<string>(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE 'me\\_%' AND NOT rolcanlogin AND NOT rolsuper ORDER BY rolname")).ToList();

        Assert.Equal(OwnSchema.Keys.Order(StringComparer.Ordinal), roles);
        Assert.Equal(OwnSchema.Values.Distinct().Order(StringComparer.Ordinal), schemas.Order(StringComparer.Ordinal));
        var problems = new List<string>();
        foreach (var role in roles)
        {
            var usable = (await connection.QueryAsync<string>(
                "SELECT nspname FROM pg_namespace WHERE nspname = ANY(@schemas) AND has_schema_privilege(@role, oid, 'USAGE')",
                new { schemas, role })).ToList();
            if (!usable.SequenceEqual([OwnSchema[role]]))
            {
                problems.Add($"{role} may use schemas [{string.Join(", ", usable)}], expected [{OwnSchema[role]}]");
            }

            problems.AddRange((await connection.QueryAsync<string>(
                    "SELECT nspname FROM pg_namespace WHERE nspname = ANY(@schemas) AND has_schema_privilege(@role, oid, 'CREATE')",
                    new { schemas, role }))
                .Select(schema => $"{role} may create objects in {schema}"));

            problems.AddRange((await connection.QueryAsync<string>("""
                    SELECT n.nspname || '.' || c.relname
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ANY(@schemas) AND n.nspname <> @own AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                      AND (has_table_privilege(@role, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                           OR (c.relkind <> 'S' AND has_any_column_privilege(@role, c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')))
                    """, new { schemas, role, own = OwnSchema[role] }))
                .Select(table => $"{role} holds a privilege on {table}, another context's table"));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task the_migrations_run_as_a_database_owner_that_may_not_create_roles()
    {
        // Production's migrator Job logs in as the database's owner (CloudNativePG's initdb owner: no superuser,
        // no CREATEROLE). The Cluster has declared the service roles by then, so a migration only finds them and grants.
        await using var server = NpgsqlDataSource.Create(postgres.ServerConnectionString);
        await using (var connection = await server.OpenConnectionAsync(Ct))
        {
            // As the Cluster's managed roles would have them (here the fixture's own migration made them).
            var roles = OwnSchema.Keys.ToArray();
            Assert.Equal(roles.Length, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_roles WHERE rolname = ANY(@roles)", new { roles }));
        }

        var owner = $"owner_{Guid.NewGuid():N}";
        var database = $"owned_{Guid.NewGuid():N}";
        await server.CreateCommand($"CREATE ROLE {owner} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB").ExecuteNonQueryAsync(Ct);
        try
        {
            await server.CreateCommand($"CREATE DATABASE {database} OWNER {owner}").ExecuteNonQueryAsync(Ct);
            var connectionString = new NpgsqlConnectionStringBuilder(postgres.ServerConnectionString) { Database = database, Username = owner, Password = null, Pooling = false };
            await using var asOwner = NpgsqlDataSource.Create(connectionString.ConnectionString);

            var applied = await new MigrationRunner(asOwner).MigrateAsync(Ct);

            Assert.Equal(MigrationCatalog.All.Count, applied.Count);
            await using var connection = await asOwner.OpenConnectionAsync(Ct);
            Assert.True(await connection.ExecuteScalarAsync<bool>(
                "SELECT has_table_privilege('me_intake_worker', 'casework.cases', 'INSERT') AND has_database_privilege('me_intake_worker', current_database(), 'TEMPORARY')"));
        }
        finally
        {
            await server.CreateCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)").ExecuteNonQueryAsync(CancellationToken.None);
            await server.CreateCommand($"DROP ROLE {owner}").ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task no_role_but_the_owner_may_change_or_empty_the_audit_log()
    {
        await using var connection = new NpgsqlConnection(await postgres.CreateMigratedDatabaseAsync(Ct));
        await connection.OpenAsync(Ct);

        var writers = (await connection.QueryAsync<string>("""
            SELECT r.rolname FROM pg_roles r
            WHERE NOT r.rolsuper AND r.rolname NOT LIKE 'pg\_%' -- predefined roles such as pg_write_all_data, granted to nobody here
              AND r.oid <> (SELECT relowner FROM pg_class WHERE oid = 'casework.audit_log'::regclass)
              AND (has_table_privilege(r.oid, 'casework.audit_log', 'UPDATE, DELETE, TRUNCATE')
                   OR has_any_column_privilege(r.oid, 'casework.audit_log', 'UPDATE'))
            """)).ToList();
        var inserters = (await connection.QueryAsync<string>(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE 'me\\_%' AND has_table_privilege(oid, 'casework.audit_log', 'INSERT') ORDER BY rolname")).ToList();

        Assert.True(writers.Count == 0, $"May update, delete or truncate the append-only audit log: {string.Join(", ", writers)}");
        Assert.Equal(["me_scrutiny_api"], inserters);
    }
}
