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
    /// Zeros are never suppressed: suppressing a zero hides nothing, and 0 is shown as 0.
    /// </summary>
    public static bool[] Suppress(IReadOnlyList<long> values, IReadOnlyList<TotalLine> lines)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(lines);
        var suppressed = new bool[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] < 0)
            {
                throw new ArgumentException("Counts cannot be negative.", nameof(values));
            }

            suppressed[i] = IsSmall(values[i]);
        }

        // Each pass only adds suppressions, so this ends within values.Count passes.
        bool changed;
        do
        {
            changed = false;
            foreach (var line in lines)
            {
                var hidden = (suppressed[line.Total] ? 1 : 0) + line.Parts.Count(p => suppressed[p]);
                if (hidden != 1)
                {
                    continue;
                }

                var complement = SmallestShownNonZero(line.Parts, values, suppressed)
                    ?? (suppressed[line.Total] || values[line.Total] == 0 ? null : line.Total);
                if (complement is { } c)
                {
                    suppressed[c] = true;
                    changed = true;
                }
            }
        }
        while (changed);

        return suppressed;
    }

    private static int? SmallestShownNonZero(IReadOnlyList<int> cells, IReadOnlyList<long> values, bool[] suppressed)
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
