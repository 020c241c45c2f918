namespace MedicalExaminer.Metrics.Figures;

/// <summary>Dates as a UK office sees them: periods are by the date of death in Europe/London, as the SQL computes them.</summary>
public static class UkCalendar
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, London).DateTime);
}
