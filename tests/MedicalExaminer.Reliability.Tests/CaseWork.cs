using MedicalExaminer.Casework;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain.Casework;
using MedicalExaminer.ScrutinyApi;
using MedicalExaminer.ScrutinyApi.Casework;
using MedicalExaminer.SyntheticData;
using Npgsql;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>
/// Examiners working while the fault happens: through the scrutiny API's store, each takes the next scrutiny case of
/// their office and sees it through to an MCCD (claim, records review, AP and bereaved discussions, MCCD), so that
/// case events flow to the family notifier and the metrics service beside the intake's.
/// </summary>
public sealed class CaseWork : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private int _completed;

    private CaseWork(NpgsqlDataSource dataSource, int seed, int target)
    {
        var store = new CaseStore(dataSource, TimeProvider.System);
        _run = Task.Run(() => RunAsync(store, new Random(seed), target, _stop.Token));
    }

    /// <summary>Cases taken to an MCCD so far.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Starts completing up to <paramref name="target"/> cases, one after another, as they arrive.</summary>
    public static CaseWork Start(Pipeline pipeline, int target) => new(pipeline.DataSource, pipeline.Seed, target);

    /// <summary>Waits for the examiners to reach their target (the cases must have arrived by then).</summary>
    public Task FinishAsync(TimeSpan timeout) => _run.WaitAsync(timeout);

    private async Task RunAsync(CaseStore store, Random random, int target, CancellationToken cancellationToken)
    {
        var options = new WorkflowOptions();
        while (Completed < target)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var office = DemoOffices.All[random.Next(DemoOffices.All.Count)].OfficeId;
            var examiner = new Actor($"me.{office}", Roles.MedicalExaminer, office);
            try
            {
                var claimed = await store.ClaimNextAsync(examiner, office, [Queues.Scrutiny], options, cancellationToken);
                if (claimed.Case is not { } snapshot)
                {
                    await Task.Delay(50, cancellationToken);
                    continue;
                }

                CaseCommand[] steps =
                [
                    new RecordRecordsReview(null),
                    new RecordApDiscussion("Bronchopneumonia", null, null, null, null),
                    new RecordBereavedDiscussion("held", false, null),
                    new IssueMccd(),
                ];
                foreach (var step in steps)
                {
                    var outcome = await store.ExecuteAsync(snapshot.CaseId, step, examiner, null, options, cancellationToken);
                    if (outcome.Status != CommandStatus.Applied)
                    {
                        throw new InvalidOperationException($"{step.Name} on a claimed scrutiny case was {outcome.Status}: {outcome.Decision?.Reason}");
                    }
                }

                Interlocked.Increment(ref _completed);
            }
            catch (NpgsqlException)
            {
                // The database is being restarted under us: the step rolled back; the case stays claimed and lapses later.
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
