namespace MedicalExaminer.Metrics.Disclosure;

/// <summary>
/// A set of cells whose values add up to <see cref="Total"/>: a row or a column with its total
/// (offices of a month and the national figure; the months of a quarter and the quarter).
/// Indices point into the value list given to <see cref="DisclosureControl.Suppress"/>.
/// </summary>
public sealed record TotalLine(int Total, IReadOnlyList<int> Parts);

/// <summary>
/// Small-number suppression of DOMAIN §7, the one implementation behind every regulator-facing output
/// (API, CSV, snapshots, dashboard). Counts are suppressed, then rates and hours follow their inputs.
/// </summary>
public static class DisclosureControl
{
    /// <summary>The smallest count shown; 1 to <c>SmallestShown - 1</c> are suppressed. Zero is shown.</summary>
    public const long SmallestShown = 8;

    public const string Mark = "*";

    /// <summary>Primary suppression: a count from 1 to 7.</summary>
    public static bool IsSmall(long count) => count is > 0 and < SmallestShown;

    /// <summary>
    /// Which cells to suppress: every count from 1 to 7 (primary); then, wherever a line (its parts and
    /// its total) has exactly one suppressed cell, which anyone could recover by subtracting the others
    /// from the total, the next smallest non-zero cell of that line too (secondary), repeated until no
    /// line has exactly one. A part is preferred to the total, so published totals survive where they can.
    /// Then an exact audit (<see cref="LinearDisclosureAudit"/>) looks for hidden cells that any
    /// combination of lines still gives away, and protects each the same way, until none is left.
    /// Zeros are never suppressed: suppressing a zero hides nothing, and 0 is shown as 0.
    /// </summary>
    /// <param name="values">The counts.</param>
    /// <param name="lines">Which cells add up to which.</param>
    /// <param name="unpublished">
    /// Cells that are never published but that a reader may work out from published ones: the remainder of a
    /// total beyond its breakdown (completed cases with no bereaved discussion = completed − held). They are
    /// always unknown to a reader, protected like any other cell when small (marked in the result), and never
    /// chosen to protect another cell, since hiding them hides nothing.
    /// </param>
    public static bool[] Suppress(IReadOnlyList<long> values, IReadOnlyList<TotalLine> lines, IReadOnlySet<int>? unpublished = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(lines);
        unpublished ??= new HashSet<int>();
        var suppressed = new bool[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] < 0)
            {
                throw new ArgumentException("Counts cannot be negative.", nameof(values));
            }

            suppressed[i] = IsSmall(values[i]);
        }

        var linesOf = new Dictionary<int, List<TotalLine>>();
        foreach (var line in lines)
        {
            foreach (var cell in line.Parts.Append(line.Total))
            {
                if (!linesOf.TryGetValue(cell, out var list))
                {
                    linesOf[cell] = list = [];
                }

                list.Add(line);
            }
        }

        // Each round only adds suppressions, so this ends within values.Count rounds.
        var unknown = new bool[values.Count];
        while (true)
        {
            ProtectLinesWithOneHidden(values, lines, suppressed, unpublished);
            for (var i = 0; i < unknown.Length; i++)
            {
                unknown[i] = suppressed[i] || unpublished.Contains(i);
            }

            var recoverable = LinearDisclosureAudit.Recoverable(unknown, lines, Enumerable.Range(0, values.Count).Where(c => suppressed[c]));
            if (recoverable.Count == 0)
            {
                return suppressed;
            }

            var protectedLines = new HashSet<TotalLine>(ReferenceEqualityComparer.Instance);
            foreach (var cell in recoverable)
            {
                var own = linesOf.GetValueOrDefault(cell) ?? [];
                if (own.Any(protectedLines.Contains))
                {
                    continue;   // this round already hid one more cell beside it; the next audit tells
                }

                var (line, complement) = ComplementFor(own, values, suppressed, unpublished)
                    ?? ComplementFor(LinesAround(cell, linesOf, unknown), values, suppressed, unpublished)
                    ?? throw new InvalidOperationException("A recoverable cell has no published cell to hide beside it; the lines do not match the values.");
                suppressed[complement] = true;
                protectedLines.Add(line);
            }
        }
    }

    private static void ProtectLinesWithOneHidden(IReadOnlyList<long> values, IReadOnlyList<TotalLine> lines, bool[] suppressed, IReadOnlySet<int> unpublished)
    {
        bool changed;
        do
        {
            changed = false;
            foreach (var line in lines)
            {
                var unknown = line.Parts.Append(line.Total).Where(c => suppressed[c] || unpublished.Contains(c)).Take(2).ToList();
                if (unknown is not [var lone] || !suppressed[lone])
                {
                    continue;
                }

                if (Complement(line, values, suppressed, unpublished) is { } c)
                {
                    suppressed[c] = true;
                    changed = true;
                }
            }
        }
        while (changed);
    }

    /// <summary>The smallest published non-zero part of the line, else its total if published and non-zero.</summary>
    private static int? Complement(TotalLine line, IReadOnlyList<long> values, bool[] suppressed, IReadOnlySet<int> unpublished) =>
        SmallestShownNonZero(line.Parts.Where(p => !unpublished.Contains(p)), values, suppressed)
            ?? (suppressed[line.Total] || values[line.Total] == 0 || unpublished.Contains(line.Total) ? null : line.Total);

    /// <summary>Of the given lines, the one whose complement is the smallest, preferring a part to a total.</summary>
    private static (TotalLine Line, int Cell)? ComplementFor(IEnumerable<TotalLine> candidates, IReadOnlyList<long> values, bool[] suppressed, IReadOnlySet<int> unpublished)
    {
        (TotalLine Line, int Cell)? best = null;
        foreach (var line in candidates)
        {
            if (Complement(line, values, suppressed, unpublished) is not { } cell)
            {
                continue;
            }

            var isTotal = cell == line.Total;
            if (best is not { } b || (isTotal, values[cell], cell).CompareTo((b.Cell == b.Line.Total, values[b.Cell], b.Cell)) < 0)
            {
                best = (line, cell);
            }
        }

        return best;
    }

    /// <summary>
    /// Every line reachable from the cell through hidden cells. When each line through a recoverable cell is
    /// already fully hidden or zero, the figures that give it away sit further out, on these lines.
    /// </summary>
    private static List<TotalLine> LinesAround(int cell, Dictionary<int, List<TotalLine>> linesOf, bool[] unknown)
    {
        var seenCells = new HashSet<int> { cell };
        var seenLines = new HashSet<TotalLine>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<int>([cell]);
        var found = new List<TotalLine>();
        while (queue.TryDequeue(out var current))
        {
            foreach (var line in linesOf.GetValueOrDefault(current) ?? [])
            {
                if (!seenLines.Add(line))
                {
                    continue;
                }

                found.Add(line);
                foreach (var member in line.Parts.Append(line.Total))
                {
                    if (unknown[member] && seenCells.Add(member))
                    {
                        queue.Enqueue(member);
                    }
                }
            }
        }

        return found;
    }

    private static int? SmallestShownNonZero(IEnumerable<int> cells, IReadOnlyList<long> values, bool[] suppressed)
    {
        int? best = null;
        foreach (var cell in cells)
        {
            if (suppressed[cell] || values[cell] == 0)
            {
                continue;
            }

            // Ties go to the earlier cell, so the same figures always get the same pattern.
            if (best is null || values[cell] < values[best.Value])
            {
                best = cell;
            }
        }

        return best;
    }
}
