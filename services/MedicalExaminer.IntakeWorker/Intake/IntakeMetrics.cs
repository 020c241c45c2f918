using System.Diagnostics.Metrics;

namespace MedicalExaminer.IntakeWorker.Intake;

/// <summary>
/// Intake counters. Labels are codes only (route, queue, office id, validation error code):
/// never anything from the person.
/// </summary>
public sealed class IntakeMetrics : IDisposable
{
    public const string MeterName = "MedicalExaminer.Intake";

    private readonly Meter _meter;
    private readonly Counter<long> _casesCreated;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _writeDuration;

    public IntakeMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _casesCreated = _meter.CreateCounter<long>("me.intake.cases_created", "{case}", "Cases opened from death notifications");
        _duplicates = _meter.CreateCounter<long>("me.intake.duplicates", "{notification}", "Redelivered or repeated notifications that opened no case");
        _rejected = _meter.CreateCounter<long>("me.intake.rejected", "{notification}", "Notifications dead-lettered because they failed validation");
        _writeDuration = _meter.CreateHistogram<double>("me.intake.write_duration", "s", "Duration of the batch's Postgres transaction");
    }

    public void CaseCreated(string route, string queue) =>
        _casesCreated.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("queue", queue));

    public void Duplicates(int count)
    {
        if (count > 0)
        {
            _duplicates.Add(count);
        }
    }

    public void Rejected(string errorCode) => _rejected.Add(1, new KeyValuePair<string, object?>("error_code", errorCode));

    public void WriteDuration(TimeSpan elapsed) => _writeDuration.Record(elapsed.TotalSeconds);

    public void Dispose() => _meter.Dispose();
}
