using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Disclosure;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Metrics.Figures;

/// <summary>Who is looking: a regulator (suppressed aggregates of every office) or an office's ME (their office, unsuppressed).</summary>
public sealed record MetricsViewer(bool Unsuppressed, string? OfficeId)
{
    public static readonly MetricsViewer Regulator = new(false, null);

    public static MetricsViewer OfficeExaminer(string officeId) => new(true, officeId);
}

/// <summary>What a request asks for: a granularity, an inclusive range of its periods, optional office and region filters.</summary>
public sealed record FigureQuery(Period From, Period To, IReadOnlyList<string> Offices, string? Region)
{
    public string Granularity => From.Granularity;

    /// <summary>The requested periods in order.</summary>
    public IEnumerable<Period> Periods()
    {
        for (var p = From; p <= To; p = p.Next)
        {
            yield return p;
        }
    }
}

/// <summary>One row of figures: an office's or the nation's, in one period.</summary>
public sealed record FigureRow(string Scope, string? OfficeId, string? OfficeName, string? Region, Period Period, IReadOnlyDictionary<string, MetricFigure> Figures)
{
    public MetricFigure this[string metric] => Figures[metric];
}

/// <summary>The answer to a <see cref="FigureQuery"/>: rows ordered by period, then office (national last).</summary>
public sealed record FigureTable(string Granularity, bool DisclosureControlled, IReadOnlyList<Period> Periods, IReadOnlyList<FigureRow> Rows);

/// <summary>
/// Builds figure tables from the store. Disclosure control is applied once over the whole cube of
/// office × month with quarter and national totals (whatever the request's granularity or filter),
/// so the monthly and the quarterly tables, and any filtered view, share one suppression pattern
/// and cannot be played against each other.
/// </summary>
public sealed class ScrutinyReport(FigureStore store, IOptions<MetricsOptions> options)
{
    private static readonly (string Rate, string Numerator, string[] Inputs)[] RateInputs =
    [
        (ScrutinyMetricNames.ScrutinyCoveragePct, ScrutinyMetricNames.ScrutinyCompleted,
            [ScrutinyMetricNames.ScrutinyCompleted, ScrutinyMetricNames.DeathsNotified, ScrutinyMetricNames.CoronerAccepted]),
        (ScrutinyMetricNames.BereavedInteractionPct, ScrutinyMetricNames.BereavedDiscussionHeld,
            [ScrutinyMetricNames.BereavedDiscussionHeld, ScrutinyMetricNames.ScrutinyCompleted]),
        (ScrutinyMetricNames.WithinRegistrationTargetPct, ScrutinyMetricNames.WithinRegistrationTarget,
            [ScrutinyMetricNames.WithinRegistrationTarget, ScrutinyMetricNames.ScrutinyCompleted]),
        (ScrutinyMetricNames.UrgentReleaseMetPct, ScrutinyMetricNames.UrgentReleaseMet,
            [ScrutinyMetricNames.UrgentReleaseMet, ScrutinyMetricNames.UrgentReleaseDecided]),
    ];

    private readonly Dictionary<string, OfficeReference> _offices = options.Value.Offices.ToDictionary(o => o.Id, StringComparer.Ordinal);

    public IReadOnlyList<OfficeReference> ConfiguredOffices => options.Value.Offices;

    public async Task<FigureTable> BuildAsync(FigureQuery query, MetricsViewer viewer, CancellationToken cancellationToken)
    {
        var firstQuarter = Period.Quarter(query.From.Start);
        var lastQuarter = Period.Quarter(query.To.End.AddDays(-1));
        var raw = await store.ReadAsync(firstQuarter.Start, lastQuarter.End, cancellationToken);

        var officeKeys = OfficeKeysOf(raw);
        var quarters = new List<Period>();
        for (var q = firstQuarter; q <= lastQuarter; q = q.Next)
        {
            quarters.Add(q);
        }

        var cube = new Cube(officeKeys, quarters);
        var suppressed = viewer.Unsuppressed
            ? ScrutinyMetricNames.Counts.ToDictionary(m => m, _ => new bool[cube.Cells.Count], StringComparer.Ordinal)
            : SuppressTogether(cube, (metric, cell) => raw.TryGetValue(cell, out var f) ? f[metric] : 0L);

        var rows = new List<FigureRow>();
        var periods = query.Periods().ToList();
        foreach (var period in periods)
        {
            foreach (var office in officeKeys.Where(o => Shows(query, viewer, o)))
            {
                rows.Add(Row(office, period));
            }

            if (viewer.OfficeId is null)
            {
                rows.Add(Row(null, period));
            }
        }

        return new FigureTable(query.Granularity, !viewer.Unsuppressed, periods, rows);

        FigureRow Row(string? office, Period period)
        {
            var cellIndex = cube.IndexOf(office, period);
            var figures = raw.TryGetValue((office, period), out var f) ? f : new RawFigures();
            var reference = office is null ? null : _offices.GetValueOrDefault(office);
            return new FigureRow(
                office is null ? MetricScopes.National : MetricScopes.Office,
                office,
                office is null ? "England and Wales" : reference?.Name ?? (office == OfficeKeys.Unrouted ? "Not yet routed to an office" : office),
                reference?.Region,
                period,
                Figures(figures, metric => suppressed[metric][cellIndex]));
        }
    }

    /// <summary>
    /// Figures that nest: each child counts a subset of its parent's cases, so parent − child is a count a
    /// reader can work out (completed cases with no bereaved discussion held, referrals the coroner has not
    /// declined, ...). Only subsets the figure SQL guarantees are listed.
    /// </summary>
    internal static readonly (string Parent, string Child)[] Nestings =
    [
        (ScrutinyMetricNames.DeathsNotified, ScrutinyMetricNames.CoronerReferralRecommended),
        .. ReasonCodes.All.Select(code => (ScrutinyMetricNames.CoronerReferralRecommended, ScrutinyMetricNames.Reason(code))),
        (ScrutinyMetricNames.ReferredToCoroner, ScrutinyMetricNames.CoronerDeclined),
        (ScrutinyMetricNames.ScrutinyCompleted, ScrutinyMetricNames.BereavedDiscussionHeld),
        (ScrutinyMetricNames.ScrutinyCompleted, ScrutinyMetricNames.WithinRegistrationTarget),
        (ScrutinyMetricNames.UrgentReleaseDecided, ScrutinyMetricNames.UrgentReleaseMet),
    ];

    /// <summary>
    /// Disclosure control over every count at once: the cube's lines for each metric, and for each nesting
    /// a line parent = child + remainder in every cell, the remainder an unpublished cell. Suppressing the
    /// metrics one by one would let a reader subtract a published child from its published parent and learn
    /// a small remainder (a suppressed count in all but name).
    /// </summary>
    private static Dictionary<string, bool[]> SuppressTogether(Cube cube, Func<string, (string? Office, Period Period), long> valueOf)
    {
        var metrics = ScrutinyMetricNames.Counts;
        var size = cube.Cells.Count;
        var metricIndex = metrics.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i, StringComparer.Ordinal);
        var values = new List<long>(size * (metrics.Count + Nestings.Length));
        foreach (var metric in metrics)
        {
            values.AddRange(cube.Cells.Select(cell => valueOf(metric, cell)));
        }

        var cubeLines = cube.Lines();
        var lines = new List<TotalLine>();
        for (var m = 0; m < metrics.Count; m++)
        {
            var offset = m * size;
            lines.AddRange(cubeLines.Select(l => new TotalLine(l.Total + offset, [.. l.Parts.Select(p => p + offset)])));
        }

        var unpublished = new HashSet<int>();
        foreach (var (parent, child) in Nestings)
        {
            var parentOffset = metricIndex[parent] * size;
            var childOffset = metricIndex[child] * size;
            var remainderOffset = values.Count;
            for (var cell = 0; cell < size; cell++)
            {
                var remainder = values[parentOffset + cell] - values[childOffset + cell];
                if (remainder < 0)
                {
                    throw new InvalidOperationException($"{child} exceeds {parent}: the figures do not nest as declared.");
                }

                values.Add(remainder);
                unpublished.Add(remainderOffset + cell);
                lines.Add(new TotalLine(parentOffset + cell, [childOffset + cell, remainderOffset + cell]));
            }
        }

        var hidden = DisclosureControl.Suppress(values, lines, unpublished);
        return metrics.ToDictionary(m => m, m => hidden[(metricIndex[m] * size)..((metricIndex[m] + 1) * size)], StringComparer.Ordinal);
    }

    /// <summary>Counts, then rates and hours, each hidden when any count it is made from is hidden.</summary>
    public static Dictionary<string, MetricFigure> Figures(RawFigures raw, Func<string, bool> isHidden)
    {
        var figures = new Dictionary<string, MetricFigure>(StringComparer.Ordinal);
        foreach (var count in ScrutinyMetricNames.Counts)
        {
            figures[count] = isHidden(count) ? MetricFigure.Hidden : new MetricFigure(raw[count], null);
        }

        foreach (var (rate, numerator, inputs) in RateInputs)
        {
            var denominator = rate == ScrutinyMetricNames.ScrutinyCoveragePct
                ? raw[ScrutinyMetricNames.DeathsNotified] - raw[ScrutinyMetricNames.CoronerAccepted]
                : raw[inputs[1]];
            figures[rate] = inputs.Any(isHidden) ? MetricFigure.Hidden
                : denominator <= 0 ? MetricFigure.NotApplicable
                : new MetricFigure(Math.Round(100m * raw[numerator] / denominator, 1, MidpointRounding.AwayFromZero), null);
        }

        var completedHidden = isHidden(ScrutinyMetricNames.ScrutinyCompleted);
        figures[ScrutinyMetricNames.MedianHoursDeathToMccd] = Hours(raw.MedianHoursDeathToMccd, completedHidden);
        figures[ScrutinyMetricNames.P90HoursDeathToMccd] = Hours(raw.P90HoursDeathToMccd, completedHidden);
        return figures;
    }

    private static MetricFigure Hours(double? hours, bool hidden) =>
        hidden ? MetricFigure.Hidden
        : hours is { } h ? new MetricFigure(Math.Round((decimal)h, 1, MidpointRounding.AwayFromZero), null)
        : MetricFigure.NotApplicable;

    private bool Shows(FigureQuery query, MetricsViewer viewer, string office)
    {
        if (viewer.OfficeId is not null && office != viewer.OfficeId)
        {
            return false;
        }

        if (query.Offices.Count > 0 && !query.Offices.Contains(office))
        {
            return false;
        }

        return query.Region is null || string.Equals(_offices.GetValueOrDefault(office)?.Region, query.Region, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Configured offices in their order, then any other office the events named, then the unrouted.</summary>
    private List<string> OfficeKeysOf(Dictionary<(string? Office, Period Period), RawFigures> raw)
    {
        var keys = options.Value.Offices.Select(o => o.Id).ToList();
        keys.AddRange(raw.Keys.Select(k => k.Office).OfType<string>()
            .Where(o => o != OfficeKeys.Unrouted && !_offices.ContainsKey(o))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal));
        keys.Add(OfficeKeys.Unrouted);
        return keys;
    }

    /// <summary>
    /// The cells disclosure control sees at once: every office (and the nation) × every month and every
    /// quarter of the window; lines say which cells add up to which (offices → national; months → quarter).
    /// </summary>
    private sealed class Cube
    {
        private readonly Dictionary<(string?, Period), int> _index = [];
        private readonly List<string?> _rows;
        private readonly List<Period> _quarters;

        public Cube(IReadOnlyList<string> offices, IReadOnlyList<Period> quarters)
        {
            _rows = [.. offices, null];
            _quarters = [.. quarters];
            foreach (var row in _rows)
            {
                foreach (var quarter in _quarters)
                {
                    foreach (var period in quarter.Months().Append(quarter))
                    {
                        _index[(row, period)] = Cells.Count;
                        Cells.Add((row, period));
                    }
                }
            }
        }

        public List<(string? Office, Period Period)> Cells { get; } = [];

        public int IndexOf(string? office, Period period) => _index[(office, period)];

        public List<TotalLine> Lines()
        {
            var lines = new List<TotalLine>();
            foreach (var quarter in _quarters)
            {
                foreach (var period in quarter.Months().Append(quarter))
                {
                    // Column: the offices of a period add up to the national figure.
                    lines.Add(new TotalLine(IndexOf(null, period), [.. _rows.OfType<string>().Select(o => IndexOf(o, period))]));
                }

                foreach (var row in _rows)
                {
                    // Row: a quarter's months add up to the quarter.
                    lines.Add(new TotalLine(IndexOf(row, quarter), [.. quarter.Months().Select(m => IndexOf(row, m))]));
                }
            }

            return lines;
        }
    }
}
