using MedicalExaminer.Migrator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

// The migrator: a Kubernetes Job before each rollout; the dev host and test fixtures call MigrationRunner directly.
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();
using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
var logger = loggerFactory.CreateLogger("Migrator");

var connectionString = configuration["Postgres:ConnectionString"];
if (string.IsNullOrWhiteSpace(connectionString))
{
    logger.LogError("Postgres:ConnectionString (env Postgres__ConnectionString) is not set");
    return 2;
}

var waitFor = TimeSpan.FromSeconds(configuration.GetValue("WaitForDatabaseSeconds", 60));
await using var dataSource = NpgsqlDataSource.Create(connectionString);
var deadline = DateTimeOffset.UtcNow + waitFor;
while (true)
{
    try
    {
        var applied = await new MigrationRunner(dataSource, loggerFactory.CreateLogger<MigrationRunner>()).MigrateAsync();
        logger.LogInformation("Schema at version {Version}; {Count} migrations applied now", MigrationCatalog.LatestVersion, applied.Count);
        return 0;
    }
    catch (NpgsqlException ex) when (ex is not PostgresException && DateTimeOffset.UtcNow < deadline)
    {
        // The database may still be starting (a Job scheduled beside a new cluster): retry until the deadline.
        logger.LogWarning("Database not reachable yet ({Reason}); retrying", ex.GetType().Name);
        await Task.Delay(TimeSpan.FromSeconds(2));
    }
    catch (Exception ex)
    {
        logger.LogError(ex, "Migration failed");
        return 1;
    }
}
