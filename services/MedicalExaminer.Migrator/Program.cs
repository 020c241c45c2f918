using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MedicalExaminer.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

// The migrator: a Kubernetes Job before each rollout; the dev host and test fixtures call MigrationRunner directly.
//   Postgres__ConnectionString=... MedicalExaminer.Migrator [--wait-for-database[=seconds]]
// Exit code 0: the schema is at the latest version; 1: it is not (the log says why).
const string WaitFlag = "--wait-for-database";
var waitFor = TimeSpan.Zero;
var rest = new List<string>();
foreach (var arg in args)
{
    if (arg == WaitFlag)
    {
        // A Job scheduled beside a new database cluster may start before the database accepts connections.
        waitFor = TimeSpan.FromSeconds(60);
    }
    else if (arg.StartsWith(WaitFlag + "=", StringComparison.Ordinal)
        && int.TryParse(arg[(WaitFlag.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
    {
        waitFor = TimeSpan.FromSeconds(seconds);
    }
    else
    {
        rest.Add(arg);
    }
}

var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddCommandLine([.. rest])
    .Build();
using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
var logger = loggerFactory.CreateLogger("MedicalExaminer.Migrator");

using var stopping = new CancellationTokenSource();
using var onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopping.Cancel();
});
using var onSigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
{
    context.Cancel = true;
    stopping.Cancel();
});

var connectionString = configuration["Postgres:ConnectionString"];
if (string.IsNullOrWhiteSpace(connectionString))
{
    logger.LogError("Postgres:ConnectionString (environment variable Postgres__ConnectionString) is not set");
    return 1;
}

NpgsqlDataSource dataSource;
try
{
    dataSource = NpgsqlDataSource.Create(connectionString);
}
catch (ArgumentException ex)
{
    // The message names the offending keyword, never its value.
    logger.LogError("Postgres:ConnectionString is not a valid connection string: {Reason}", ex.Message);
    return 1;
}

await using (dataSource)
{
    var target = new NpgsqlConnectionStringBuilder(connectionString);
    logger.LogInformation("Migrating database {Database} on {Host}:{Port} to version {Version}", target.Database, target.Host, target.Port, MigrationCatalog.LatestVersion);

    var runner = new MigrationRunner(dataSource, loggerFactory.CreateLogger<MigrationRunner>());
    var clock = Stopwatch.StartNew();
    while (true)
    {
        try
        {
            var applied = await runner.MigrateAsync(stopping.Token);
            logger.LogInformation(
                "Schema at version {Version}; applied now: [{Applied}]",
                await runner.CurrentVersionAsync(stopping.Token),
                string.Join(", ", applied.Select(m => m.Version)));
            return 0;
        }
        catch (NpgsqlException ex) when (ex.IsTransient && clock.Elapsed < waitFor && !stopping.IsCancellationRequested)
        {
            logger.LogWarning("Database not reachable yet ({Reason}); retrying for up to {Seconds}s", ex.GetType().Name, (int)(waitFor - clock.Elapsed).TotalSeconds);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stopping.Token);
            }
            catch (OperationCanceledException)
            {
                logger.LogError("Stopped before the database was reachable");
                return 1;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // A migration cut short rolled back with its transaction: the next run starts it again.
            logger.LogError("Stopped before the migrations finished");
            return 1;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Migration failed");
            return 1;
        }
    }
}
