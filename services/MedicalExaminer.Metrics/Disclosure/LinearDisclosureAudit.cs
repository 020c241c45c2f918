using System.Numerics;

namespace MedicalExaminer.Metrics.Disclosure;

/// <summary>
/// Which hidden cells a reader could still work out exactly, by adding and subtracting published figures
/// along any combination of the lines (not only one line at a time): each line says its parts add up to its
/// total, so it is one linear equation; with the published cells moved to the right-hand side, a hidden cell
/// is recoverable exactly when its unit vector lies in the row space of the equations over the hidden cells.
/// The classic case the one-line rule misses is a "bridge": a hidden cell joining two otherwise protected
/// groups, which the sum of two rows minus two columns gives away.
/// </summary>
/// <remarks>
/// Exact arithmetic on purpose: Gaussian elimination on sparse integer rows, fraction-free, each row
/// divided by the gcd of its coefficients after every step (coefficients stay tiny for tables with totals).
/// Floating point could call a recoverable cell safe. No linear-algebra package is served here, and the
/// system is small and sparse, so this is hand-written.
/// </remarks>
internal static class LinearDisclosureAudit
{
    /// <summary>
    /// Of the <paramref name="targets"/> (hidden cells that must stay hidden), those whose value follows from the
    /// published cells and the lines, in index order. <paramref name="hidden"/> says which cells a reader does
    /// not know.
    /// </summary>
    public static List<int> Recoverable(IReadOnlyList<bool> hidden, IReadOnlyList<TotalLine> lines, IEnumerable<int> targets)
    {
        // Row echelon form: each new row is cleared of every existing pivot column, oldest pivot first. A pivot
        // row holds no pivot column older than its own, so each step brings in only younger pivots or free columns.
        var pivotOf = new Dictionary<int, SparseRow>();
        foreach (var line in lines)
        {
            var row = SparseRow.FromLine(line, hidden);
            if (row is null)
            {
                continue;
            }

            Reduce(row);
            if (row.IsEmpty)
            {
                continue;
            }

            row.Pivot = row.Columns.Min();
            row.Order = pivotOf.Count;
            pivotOf[row.Pivot] = row;
        }

        // A cell is recoverable when its unit vector lies in the row space: reduced by the echelon rows, it vanishes.
        // A cell that is no pivot column cannot vanish, so only pivot columns are tried.
        var recoverable = new List<int>();
        foreach (var cell in targets.Order())
        {
            if (!pivotOf.ContainsKey(cell))
            {
                continue;
            }

            var probe = SparseRow.Unit(cell);
            Reduce(probe);
            if (probe.IsEmpty)
            {
                recoverable.Add(cell);
            }
        }

        return recoverable;

        void Reduce(SparseRow row)
        {
            while (OldestPivotIn(row) is { } pivotRow)
            {
                row.Eliminate(pivotRow.Pivot, pivotRow);
            }
        }

        SparseRow? OldestPivotIn(SparseRow row)
        {
            SparseRow? oldest = null;
            foreach (var column in row.Columns)
            {
                if (pivotOf.TryGetValue(column, out var candidate) && (oldest is null || candidate.Order < oldest.Order))
                {
                    oldest = candidate;
                }
            }

            return oldest;
        }
    }

    /// <summary>One equation over hidden cells: column → integer coefficient (the right-hand side is not needed).</summary>
    private sealed class SparseRow
    {
        private readonly Dictionary<int, BigInteger> _coefficients;

        private SparseRow(Dictionary<int, BigInteger> coefficients) => _coefficients = coefficients;

        public int Pivot { get; set; } = -1;

        /// <summary>When the row became a pivot row (0 for the first).</summary>
        public int Order { get; set; }

        public int Count => _coefficients.Count;

        public bool IsEmpty => _coefficients.Count == 0;

        public IEnumerable<int> Columns => _coefficients.Keys;

        public BigInteger Coefficient(int column) => _coefficients.GetValueOrDefault(column);

        public static SparseRow Unit(int column) => new(new Dictionary<int, BigInteger> { [column] = BigInteger.One });

        /// <summary>Parts count +1, the total −1; published cells drop out (they are known). Null when nothing is hidden.</summary>
        public static SparseRow? FromLine(TotalLine line, IReadOnlyList<bool> hidden)
        {
            var coefficients = new Dictionary<int, BigInteger>();
            foreach (var part in line.Parts)
            {
                Add(part, BigInteger.One);
            }

            Add(line.Total, BigInteger.MinusOne);
            return coefficients.Count == 0 ? null : new SparseRow(coefficients);

            void Add(int cell, BigInteger coefficient)
            {
                if (!hidden[cell])
                {
                    return;
                }

                var sum = coefficients.GetValueOrDefault(cell) + coefficient;
                if (sum.IsZero)
                {
                    coefficients.Remove(cell);
                }
                else
                {
                    coefficients[cell] = sum;
                }
            }
        }

        /// <summary>this := a·this − b·other, where a is other's and b this row's coefficient at <paramref name="column"/>; then divided by the gcd.</summary>
        public void Eliminate(int column, SparseRow other)
        {
            var a = other._coefficients[column];
            var b = _coefficients[column];
            if (!a.IsOne)
            {
                foreach (var key in _coefficients.Keys.ToList())
                {
                    _coefficients[key] *= a;
                }
            }

            foreach (var (key, value) in other._coefficients)
            {
                var sum = _coefficients.GetValueOrDefault(key) - (b * value);
                if (sum.IsZero)
                {
                    _coefficients.Remove(key);
                }
                else
                {
                    _coefficients[key] = sum;
                }
            }

            Normalise();
        }

        private void Normalise()
        {
            var gcd = BigInteger.Zero;
            foreach (var value in _coefficients.Values)
            {
                gcd = BigInteger.GreatestCommonDivisor(gcd, value);
                if (gcd.IsOne)
                {
                    return;
                }
            }

            if (gcd > BigInteger.One)
            {
                foreach (var key in _coefficients.Keys.ToList())
                {
                    _coefficients[key] /= gcd;
                }
            }
        }
    }
}
