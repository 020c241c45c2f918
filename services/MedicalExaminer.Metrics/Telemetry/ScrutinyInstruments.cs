using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Projection;

namespace MedicalExaminer.Metrics.Telemetry;

/// <summary>
/// OpenTelemetry instruments of the projection, exported by OTLP and on the Prometheus scrape endpoint.
/// Labels are the office and the month of death only: never a case id, never anything about a person.
/// These are operational signals (what this process projected); the regulator figures are the API's.
/// </summary>
public sealed class ScrutinyInstruments
{
    public const string MeterName = "MedicalExaminer.Metrics";
    public const string OfficeLabel = "office";
    public const string PeriodLabel = "period";

    private readonly Counter<long> _events;
    private readonly Counter<long> _casesNotified;
    private readonly Counter<long> _coronerReferrals;
    private readonly Counter<long> _scrutinyCompleted;
    private readonly Histogram<double> _hoursToMccd;

    public ScrutinyInstruments(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _events = meter.CreateCounter<long>("me.metrics.events_consumed", "{event}", "Case events consumed by the metrics projection.");
        _casesNotified = meter.CreateCounter<long>("me.metrics.deaths_notified", "{case}", "Deaths notified, by office and month of death.");
        _coronerReferrals = meter.CreateCounter<long>("me.metrics.referred_to_coroner", "{case}", "Coroner referrals confirmed by an ME, by office and month of death.");
        _scrutinyCompleted = meter.CreateCounter<long>("me.metrics.scrutiny_completed", "{case}", "MCCDs issued (scrutiny complete), by office and month of death.");
        _hoursToMccd = meter.CreateHistogram<double>(
            "me.metrics.death_to_mccd", "h", "Hours from death to MCCD, by office and month of death.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [12, 24, 48, 72, 96, 120, 168, 240, 336] });
    }

    /// <summary>Records what one committed batch added: newly kept events and the facts they changed.</summary>
    public void Projected(int consumed, IReadOnlyList<ProjectedEvent> kept, ProjectionResult result)
    {
        _events.Add(consumed);
        if (result.Changed.Count == 0)
        {
            return;
        }

        var facts = result.Changed.ToDictionary(c => c.CaseId);
        foreach (var e in kept.DistinctBy(e => e.EventId))
        {
            // Only new events count: a redelivery adds nothing.
            if (!result.NewEventIds.Contains(e.EventId) || !facts.TryGetValue(e.CaseId, out var fact) || fact.DeathMonth is not { } month)
            {
                continue;
            }

            var tags = new TagList
            {
                { OfficeLabel, fact.OfficeId ?? "unrouted" },
                { PeriodLabel, month.ToString("yyyy-MM", CultureInfo.InvariantCulture) },
            };
            switch (e.EventType)
            {
                case nameof(NotificationReceived):
                    _casesNotified.Add(1, tags);
                    break;
                case nameof(CoronerReferralConfirmed):
                    _coronerReferrals.Add(1, tags);
                    break;
                case nameof(MccdIssued) when fact.ScrutinyCompleted && fact.HoursDeathToMccd is { } hours:
                    _scrutinyCompleted.Add(1, tags);
                    _hoursToMccd.Record(hours, tags);
                    break;
            }
        }
    }
}
