using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Domain.Casework;
using MedicalExaminer.Casework;
using MedicalExaminer.ScrutinyApi;
using MedicalExaminer.ScrutinyApi.Casework;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using Npgsql;
using Xunit;

namespace MedicalExaminer.Testing.Casework;

/// <summary>A clock the test moves by hand (claim lapses without waiting).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>
/// One test's casework: a fresh migrated database with the demo offices and synthetic cases opened by
/// the real intake writer, and the store and reader over it.
/// </summary>
public sealed class CaseworkWorld : IAsyncDisposable
{
    public const string Office = "me-leeds";
    public static readonly Actor Examiner = new("me.me-leeds", Roles.MedicalExaminer, Office);
    public static readonly Actor OtherExaminer = new("me2.me-leeds", Roles.MedicalExaminer, Office);
    public static readonly Actor Officer = new("meo.me-leeds", Roles.MedicalExaminerOfficer, Office);
    public static readonly Actor ExaminerElsewhere = new("me.me-bristol", Roles.MedicalExaminer, "me-bristol");
    public static readonly Actor Admin = new("admin", Roles.Admin, null);

    public required NpgsqlDataSource DataSource { get; init; }
    public required string ConnectionString { get; init; }
    public required ManualClock Clock { get; init; }
    public required CaseStore Store { get; init; }
    public required CaseReader Reader { get; init; }
    public WorkflowOptions Options { get; } = new();

    public static async Task<CaseworkWorld> CreateAsync(PostgresFixture postgres, int cases = 600, int seed = 42)
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var ct = TestContext.Current.CancellationToken;
        await OfficeRegistry.UpsertAsync(dataSource, DemoOffices.All, ct);
        var now = DateTimeOffset.UtcNow;
        var offices = new OfficeDirectory(DemoOffices.All);
        var newCases = new NotificationGenerator(seed, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0, UrgentReleaseRate: 0.1))
            .Take(cases)
            .Select(n =>
            {
                var accepted = DeathNotificationParser.Parse(n.Value, now).Accepted!;
                return NewCaseFactory.Create(accepted, IntakePlanner.Plan(accepted, offices), n.Value, now);
            })
            .ToList();
        await new CaseIntakeWriter(dataSource).WriteAsync(newCases, ct);
        var clock = new ManualClock(now.AddMinutes(1));
        return new CaseworkWorld
        {
            DataSource = dataSource,
            ConnectionString = connectionString,
            Clock = clock,
            Store = new CaseStore(dataSource, clock),
            Reader = new CaseReader(dataSource, clock),
        };
    }

    /// <summary>A case of <paramref name="office"/> in <paramref name="queue"/>; distinct per call via <paramref name="skip"/>.</summary>
    public async Task<Guid> CaseInAsync(string queue, string? office = Office, int skip = 0, bool? urgent = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        var id = await connection.QuerySingleOrDefaultAsync<Guid?>(
            """
            SELECT case_id FROM casework.cases
            WHERE office_id IS NOT DISTINCT FROM @office AND queue = @queue AND assigned_examiner IS NULL AND assigned_officer IS NULL
              AND (@urgent::boolean IS NULL OR (urgent_release_reason IS NOT NULL) = @urgent)
            ORDER BY case_id OFFSET @skip LIMIT 1
            """,
            new { office, queue, skip, urgent });
        return id ?? throw new InvalidOperationException($"The seeded data has no case #{skip} in {office}/{queue}; change the seed or the count.");
    }

    public Task<CommandOutcome> RunAsync(Guid caseId, CaseCommand command, Actor actor, int? expectedVersion = null) =>
        Store.ExecuteAsync(caseId, command, actor, expectedVersion, Options, TestContext.Current.CancellationToken);

    /// <summary>Runs a command that must be applied, and returns the case after it.</summary>
    public async Task<CaseSnapshot> ApplyAsync(Guid caseId, CaseCommand command, Actor actor)
    {
        var outcome = await RunAsync(caseId, command, actor);
        if (outcome.Status != CommandStatus.Applied)
        {
            throw new InvalidOperationException(
                $"{command.Name} by {actor.Role} should apply, but was {outcome.Status}: {outcome.Decision?.Reason} {string.Join(",", outcome.Decision?.Errors.Select(e => e.Field + ":" + e.Code) ?? [])}");
        }

        return outcome.Case ?? throw new InvalidOperationException("an applied command returns the case");
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task<IReadOnlyList<string>> EventTypesAsync(Guid caseId, string table = "case_history")
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<string>($"SELECT event_type FROM casework.{table} WHERE case_id = @caseId ORDER BY sequence", new { caseId })).ToList();
    }

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}
