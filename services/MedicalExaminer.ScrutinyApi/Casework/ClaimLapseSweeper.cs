using MedicalExaminer.Casework;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.ScrutinyApi.Casework;

/// <summary>
/// Ends assignments idle past their office's limit (<c>casework.offices.assignment_idle_hours</c>; none by default), through the
/// same workflow as a manual release, so each lapse is a <c>CaseReleased</c> event with reason
/// <c>lapsed</c>. Several API replicas may sweep at once: SKIP LOCKED keeps them off each other's rows.
/// </summary>
public sealed partial class ClaimLapseSweeper(CaseStore store, IOptions<WorkflowOptions> options, TimeProvider clock, ILogger<ClaimLapseSweeper> logger)
    : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int lapsed;
                do
                {
                    lapsed = await store.LapseExpiredClaimsAsync(BatchSize, options.Value, stoppingToken);
                    if (lapsed > 0)
                    {
                        LogLapsed(logger, lapsed);
                    }
                }
                while (lapsed == BatchSize);

                await Task.Delay(options.Value.LapseSweepInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException ex)
            {
                // The database is restarting or unreachable: claims lapse a little late, nothing is lost.
                LogSweepFailed(logger, ex);
                await Task.Delay(options.Value.LapseSweepInterval, clock, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} lapsed claims")]
    private static partial void LogLapsed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claim lapse sweep failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
