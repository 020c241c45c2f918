using MedicalExaminer.Domain;
using MedicalExaminer.Casework;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.IntakeWorker.Intake;

/// <summary>
/// The office directory, reloaded from Postgres at most once per refresh interval. Offices change
/// rarely; reading them once per batch would put a query on the hot path for nothing.
/// If a reload fails the last good directory is kept (a brief database outage must not unroute cases).
/// </summary>
public sealed partial class OfficeDirectoryCache(
    OfficeDirectoryLoader loader,
    IOptions<IntakeOptions> options,
    TimeProvider clock,
    ILogger<OfficeDirectoryCache> logger) : IDisposable
{
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private OfficeDirectory? _current;
    private DateTimeOffset _loadedAt;

    public async ValueTask<OfficeDirectory> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is not null && clock.GetUtcNow() - _loadedAt < options.Value.OfficeRefreshInterval)
        {
            return _current;
        }

        await _reloading.WaitAsync(cancellationToken);
        try
        {
            if (_current is not null && clock.GetUtcNow() - _loadedAt < options.Value.OfficeRefreshInterval)
            {
                return _current;
            }

            try
            {
                _current = await loader.LoadAsync(cancellationToken);
                _loadedAt = clock.GetUtcNow();
                LogLoaded(logger, _current.Offices.Count);
            }
            catch (Exception ex) when (_current is not null && ex is not OperationCanceledException)
            {
                LogReloadFailed(logger, ex);
                _loadedAt = clock.GetUtcNow();
            }

            return _current;
        }
        finally
        {
            _reloading.Release();
        }
    }

    public void Dispose() => _reloading.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {OfficeCount} ME offices for routing")]
    private static partial void LogLoaded(ILogger logger, int officeCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading ME offices failed; routing with the last good directory")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
