using System.Globalization;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Metrics.Figures;

/// <summary>
/// A month or a calendar quarter (Q1 = January to March) of the UK date of death: a case counts in the
/// period its death fell in, whatever happened to it later, so a period's figures only ever grow towards
/// their final values and never move a case between periods.
/// </summary>
public readonly record struct Period(string Granularity, DateOnly Start) : IComparable<Period>
{
    public static Period Month(DateOnly day) => new(PeriodGranularities.Month, new DateOnly(day.Year, day.Month, 1));

    public static Period Quarter(DateOnly day) => new(PeriodGranularities.Quarter, new DateOnly(day.Year, ((day.Month - 1) / 3 * 3) + 1, 1));

    public static Period Of(string granularity, DateOnly day) =>
        granularity == PeriodGranularities.Quarter ? Quarter(day) : Month(day);

    public bool IsQuarter => Granularity == PeriodGranularities.Quarter;

    /// <summary>The first day after the period.</summary>
    public DateOnly End => Start.AddMonths(IsQuarter ? 3 : 1);

    public Period Next => new(Granularity, End);

    /// <summary><c>2026-01</c> or <c>2026-Q1</c>.</summary>
    public string Label => IsQuarter
        ? $"{Start.Year:D4}-Q{((Start.Month - 1) / 3) + 1}"
        : Start.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The months a quarter is made of (a month is made of itself).</summary>
    public IEnumerable<Period> Months()
    {
        for (var m = Start; m < End; m = m.AddMonths(1))
        {
            yield return Month(m);
        }
    }

    /// <summary>Parses <c>2026-01</c> or <c>2026-Q1</c>.</summary>
    public static bool TryParse(string? text, out Period period)
    {
        period = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length is not 7 || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year < 1900)
        {
            return false;
        }

        if (text[5] is 'Q' or 'q')
        {
            if (text[6] is < '1' or > '4')
            {
                return false;
            }

            period = new Period(PeriodGranularities.Quarter, new DateOnly(year, ((text[6] - '1') * 3) + 1, 1));
            return true;
        }

        if (!int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month) || month is < 1 or > 12)
        {
            return false;
        }

        period = new Period(PeriodGranularities.Month, new DateOnly(year, month, 1));
        return true;
    }

    public int CompareTo(Period other) => Start != other.Start ? Start.CompareTo(other.Start) : string.CompareOrdinal(Granularity, other.Granularity);

    public override string ToString() => Label;

    public static bool operator <(Period left, Period right) => left.CompareTo(right) < 0;

    public static bool operator >(Period left, Period right) => left.CompareTo(right) > 0;

    public static bool operator <=(Period left, Period right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Period left, Period right) => left.CompareTo(right) >= 0;
}
