using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MedicalExaminer.Metrics.Disclosure;

namespace MedicalExaminer.Metrics.Tests;

/// <summary>DOMAIN §7 small-number suppression: primary (1–7), secondary (protect totals), zero shown.</summary>
public sealed class DisclosureControlTests
{
    /// <summary>
    /// A grid of parts with a total per row and per column and a grand total, laid out row by row:
    /// rows × cols parts, then the row totals, then the column totals, then the grand total.
    /// </summary>
    internal sealed record Grid(long[][] Parts)
    {
        public int Rows => Parts.Length;
        public int Cols => Parts[0].Length;
        public int Part(int r, int c) => (r * Cols) + c;
        public int RowTotal(int r) => (Rows * Cols) + r;
        public int ColTotal(int c) => (Rows * Cols) + Rows + c;
        public int Grand => (Rows * Cols) + Rows + Cols;

        public long[] Values()
        {
            var values = new long[Grand + 1];
            for (var r = 0; r < Rows; r++)
            {
                for (var c = 0; c < Cols; c++)
                {
                    values[Part(r, c)] = Parts[r][c];
                    values[RowTotal(r)] += Parts[r][c];
                    values[ColTotal(c)] += Parts[r][c];
                    values[Grand] += Parts[r][c];
                }
            }

            return values;
        }

        public List<TotalLine> Lines()
        {
            var lines = new List<TotalLine>();
            for (var r = 0; r < Rows; r++)
            {
                lines.Add(new TotalLine(RowTotal(r), [.. Enumerable.Range(0, Cols).Select(c => Part(r, c))]));
            }

            for (var c = 0; c < Cols; c++)
            {
                lines.Add(new TotalLine(ColTotal(c), [.. Enumerable.Range(0, Rows).Select(r => Part(r, c))]));
            }

            lines.Add(new TotalLine(Grand, [.. Enumerable.Range(0, Rows).Select(RowTotal)]));
            lines.Add(new TotalLine(Grand, [.. Enumerable.Range(0, Cols).Select(ColTotal)]));
            return lines;
        }

        public override string ToString() => string.Join(" / ", Parts.Select(row => string.Join(",", row)));
    }

    /// <summary>
    /// The attack the rule defends against: wherever a line has exactly one unknown cell, subtract the known
    /// ones from the total (or add the parts up); repeat until nothing new is learnt. Returns the cells learnt.
    /// </summary>
    internal static HashSet<int> RecoverBySubtraction(IReadOnlyList<long> values, bool[] suppressed, IReadOnlyList<TotalLine> lines)
    {
        var known = suppressed.Select(s => !s).ToArray();
        var learnt = new HashSet<int>();
        bool progress;
        do
        {
            progress = false;
            foreach (var line in lines)
            {
                var members = line.Parts.Append(line.Total).ToList();
                var unknown = members.Where(m => !known[m]).ToList();
                if (unknown.Count == 1)
                {
                    known[unknown[0]] = true;
                    learnt.Add(unknown[0]);
                    progress = true;
                }
            }
        }
        while (progress);

        return learnt;
    }

    /// <summary>
    /// The strongest attack by addition and subtraction: any linear combination of the lines. A cell the
    /// reader does not know is recoverable when every solution of the lines (unknowns only; the published
    /// cells are constants) gives it the same value, i.e. when every vector of the null space of the lines
    /// over the unknown cells is zero there. Written independently of the production audit on purpose:
    /// floating-point reduced row echelon form and the null space, not exact elimination and pivot rows.
    /// </summary>
    internal static HashSet<int> RecoverByAnyLinearRelation(IReadOnlyList<bool> unknown, IReadOnlyList<TotalLine> lines)
    {
        var columns = Enumerable.Range(0, unknown.Count).Where(i => unknown[i]).ToList();
        var position = columns.Select((cell, i) => (cell, i)).ToDictionary(x => x.cell, x => x.i);
        var matrix = new List<double[]>();
        foreach (var line in lines)
        {
            var row = new double[columns.Count];
            foreach (var part in line.Parts.Where(p => unknown[p]))
            {
                row[position[part]] += 1;
            }

            if (unknown[line.Total])
            {
                row[position[line.Total]] -= 1;
            }

            if (row.Any(v => v != 0))
            {
                matrix.Add(row);
            }
        }

        // Reduced row echelon form with partial pivoting.
        var pivotColumns = new List<int>();
        var rank = 0;
        for (var col = 0; col < columns.Count && rank < matrix.Count; col++)
        {
            var best = Enumerable.Range(rank, matrix.Count - rank).MaxBy(r => Math.Abs(matrix[r][col]));
            if (Math.Abs(matrix[best][col]) < 1e-9)
            {
                continue;
            }

            (matrix[rank], matrix[best]) = (matrix[best], matrix[rank]);
            var pivot = matrix[rank][col];
            for (var c = 0; c < columns.Count; c++)
            {
                matrix[rank][c] /= pivot;
            }

            for (var r = 0; r < matrix.Count; r++)
            {
                if (r != rank && Math.Abs(matrix[r][col]) > 1e-12)
                {
                    var factor = matrix[r][col];
                    for (var c = 0; c < columns.Count; c++)
                    {
                        matrix[r][c] -= factor * matrix[rank][c];
                    }
                }
            }

            pivotColumns.Add(col);
            rank++;
        }

        // One null-space vector per free column f: x_f = 1, each pivot x_p = −(its row's entry at f).
        // A cell is free to move (not recoverable) when some null-space vector is non-zero there.
        var movable = new bool[columns.Count];
        foreach (var free in Enumerable.Range(0, columns.Count).Except(pivotColumns))
        {
            movable[free] = true;
            for (var r = 0; r < pivotColumns.Count; r++)
            {
                if (Math.Abs(matrix[r][free]) > 1e-9)
                {
                    movable[pivotColumns[r]] = true;
                }
            }
        }

        return [.. columns.Where((_, i) => !movable[i])];
    }

    [Fact]
    public void the_linear_attack_recovers_a_bridge_that_one_line_at_a_time_misses()
    {
        // Guards the strengthened property: hidden cells in two 2×2 cycles joined by one cell (r0,c2). Every row
        // and column has two or more hidden cells, so subtracting along one line learns nothing, yet
        // row0 + row1 − col0 − col1 leaves exactly the joining cell.
        var grid = new Grid([[20, 21, 22, 30], [23, 24, 31, 32], [33, 34, 25, 26], [35, 36, 27, 28]]);
        var values = grid.Values();
        var hidden = new bool[values.Length];
        foreach (var (r, c) in new[] { (0, 0), (0, 1), (1, 0), (1, 1), (0, 2), (2, 2), (2, 3), (3, 2), (3, 3) })
        {
            hidden[grid.Part(r, c)] = true;
        }

        Assert.Empty(RecoverBySubtraction(values, hidden, grid.Lines()));
        Assert.Equal([grid.Part(0, 2)], RecoverByAnyLinearRelation(hidden, grid.Lines()));
    }

    [Fact]
    public void a_bridge_is_protected_by_one_more_suppression()
    {
        // The same table with the hidden cells made small: the one-line rule alone would leave the bridge.
        var grid = new Grid([[2, 3, 4, 30], [5, 6, 31, 32], [33, 34, 2, 3], [35, 36, 4, 5]]);
        var values = grid.Values();
        var lines = grid.Lines();

        var suppressed = DisclosureControl.Suppress(values, lines);

        Assert.Empty(RecoverByAnyLinearRelation(suppressed, lines));
        Assert.True(suppressed[grid.Part(0, 2)], "the small joining cell is suppressed");
    }

    [Fact]
    public void a_small_remainder_of_nested_figures_cannot_be_worked_out()
    {
        // Issue 20: 50 completed cases, 45 with a bereaved discussion held, both publishable on their own;
        // their difference (5 with none held) is a small count, so one of them must go.
        long[] values = [50, 45, 5];
        var lines = new List<TotalLine> { new(0, [1, 2]) };

        var suppressed = DisclosureControl.Suppress(values, lines, unpublished: new HashSet<int> { 2 });

        Assert.True(suppressed[1], "the breakdown (held) is hidden to protect the remainder");
        Assert.False(suppressed[0], "the parent (completed) stays published");
        var recovered = RecoverByAnyLinearRelation(suppressed.Select((s, i) => s || i == 2).ToArray(), lines);
        Assert.False(recovered.Any(i => suppressed[i]), $"recovered: {string.Join(",", recovered)}");
    }

    public static TheoryData<string, long[], int[][], bool[]> Cases => new()
    {
        // name, values, lines (total first, then parts), expected suppression
        { "zero is shown", [0, 0, 0], [[2, 0, 1]], [false, false, false] },
        { "eight and above are shown", [8, 20, 28], [[2, 0, 1]], [false, false, false] },
        { "1 to 7 are suppressed, and so is the next smallest part", [1, 8, 9, 18], [[3, 0, 1, 2]], [true, true, false, false] },
        { "7 is suppressed; its complement is the smallest non-zero part, not a zero", [7, 0, 12, 30, 49], [[4, 0, 1, 2, 3]], [true, false, true, false, false] },
        { "two small parts protect each other", [3, 5, 40, 48], [[3, 0, 1, 2]], [true, true, false, false] },
        { "nothing small, nothing hidden, even beside zeros", [9, 0, 0, 9], [[3, 0, 1, 2]], [false, false, false, false] },
        { "a small total with one non-zero part: both suppressed", [0, 4, 4], [[2, 0, 1]], [false, true, true] },
        { "a small total and its small parts are all suppressed", [2, 3, 5], [[2, 0, 1]], [true, true, true] },
        { "ties go to the earlier part", [2, 10, 10, 22], [[3, 0, 1, 2]], [true, true, false, false] },
        {
            // 2×2 with totals: [a b | ra], [c d | rb], [ca cb | g]. a = 3 suppressed; b (smaller than c) in its row;
            // then column b has one hidden → d; column a has one hidden → c; rows now have two each.
            "secondary suppression runs until every line has none or at least two",
            [3, 10, 20, 30, 13, 50, 23, 40, 63],
            [[4, 0, 1], [5, 2, 3], [6, 0, 2], [7, 1, 3], [8, 4, 5], [8, 6, 7]],
            [true, true, true, true, false, false, false, false, false]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void suppression_follows_the_rule(string name, long[] values, int[][] lines, bool[] expected)
    {
        var totals = lines.Select(l => new TotalLine(l[0], l[1..])).ToList();

        var suppressed = DisclosureControl.Suppress(values, totals);

        Assert.True(expected.SequenceEqual(suppressed), $"{name}: expected [{string.Join(",", expected)}], got [{string.Join(",", suppressed)}]");
        Assert.Empty(RecoverBySubtraction(values, suppressed, totals));
    }

    [Fact]
    public void negative_counts_are_refused() =>
        Assert.Throws<ArgumentException>(() => DisclosureControl.Suppress([-1], []));

    private static readonly Gen<long> CellValue = Gen.Frequency(
        (3, Gen.Constant(0L)),
        (4, Gen.Choose(1, 7).Select(v => (long)v)),
        (1, Gen.Constant(8L)),
        (4, Gen.Choose(9, 200).Select(v => (long)v)));

    private static readonly Gen<Grid> Grids =
        from rows in Gen.Choose(1, 6)
        from cols in Gen.Choose(1, 6)
        from cells in Gen.ArrayOf(CellValue, rows * cols)
        select new Grid([.. Enumerable.Range(0, rows).Select(r => cells.Skip(r * cols).Take(cols).ToArray())]);

    [Property(MaxTest = 500)]
    public Property no_suppressed_cell_can_be_recovered_from_row_and_column_totals() =>
        Prop.ForAll(Grids.ToArbitrary(), grid =>
        {
            var values = grid.Values();
            var lines = grid.Lines();
            var suppressed = DisclosureControl.Suppress(values, lines);
            var recovered = RecoverBySubtraction(values, suppressed, lines);
            var solved = RecoverByAnyLinearRelation(suppressed, lines);
            return (recovered.Count == 0 && solved.Count == 0).Label($"recovered by subtraction: {recovered.Count}, by any linear relation: {solved.Count}");
        });

    /// <summary>A parent table and a breakdown table whose every cell counts a subset of the parent's cell.</summary>
    private static readonly Gen<(Grid Parent, Grid Child)> NestedGrids =
        from rows in Gen.Choose(1, 4)
        from cols in Gen.Choose(1, 4)
        from cells in Gen.ArrayOf(CellValue, rows * cols)
        from shares in Gen.ArrayOf(Gen.Choose(0, 100), rows * cols)
        let childCells = cells.Select((v, i) => v * shares[i] / 100).ToArray()
        select (new Grid([.. Enumerable.Range(0, rows).Select(r => cells.Skip(r * cols).Take(cols).ToArray())]),
                new Grid([.. Enumerable.Range(0, rows).Select(r => childCells.Skip(r * cols).Take(cols).ToArray())]));

    [Property(MaxTest = 300)]
    public Property no_suppressed_cell_or_small_remainder_of_nested_tables_can_be_recovered() =>
        Prop.ForAll(NestedGrids.ToArbitrary(), pair =>
        {
            // Cells: the parent table, then the child table, then the remainder table (never published).
            var parent = pair.Parent.Values();
            var child = pair.Child.Values();
            var n = parent.Length;
            var values = parent.Concat(child).Concat(parent.Zip(child, (p, c) => p - c)).ToArray();
            var lines = pair.Parent.Lines()
                .Concat(pair.Child.Lines().Select(l => new TotalLine(l.Total + n, [.. l.Parts.Select(p => p + n)])))
                .Concat(Enumerable.Range(0, n).Select(i => new TotalLine(i, [n + i, (2 * n) + i])))
                .ToList();
            var unpublished = Enumerable.Range(2 * n, n).ToHashSet();

            var suppressed = DisclosureControl.Suppress(values, lines, unpublished);

            var unknown = suppressed.Select((s, i) => s || unpublished.Contains(i)).ToArray();
            var recovered = RecoverByAnyLinearRelation(unknown, lines).Where(i => suppressed[i]).ToList();
            var smallShown = values.Where((v, i) => DisclosureControl.IsSmall(v) && !unpublished.Contains(i) && !suppressed[i]).Count();
            return (recovered.Count == 0 && smallShown == 0).Label($"{pair.Parent} | {pair.Child}: recovered {string.Join(",", recovered)}, small shown {smallShown}");
        });

    [Property(MaxTest = 500)]
    public Property every_count_from_1_to_7_is_suppressed_and_no_zero_is() =>
        Prop.ForAll(Grids.ToArbitrary(), grid =>
        {
            var values = grid.Values();
            var suppressed = DisclosureControl.Suppress(values, grid.Lines());
            return values.Select((v, i) => v is > 0 and < 8 ? suppressed[i] : v == 0 ? !suppressed[i] : true).All(ok => ok);
        });

    [Fact]
    public void the_attack_used_by_the_property_does_recover_a_lone_suppressed_cell()
    {
        // Guards the property test itself: without secondary suppression, subtraction recovers the cell.
        var grid = new Grid([[3, 10], [20, 30]]);
        var values = grid.Values();
        var primaryOnly = values.Select(DisclosureControl.IsSmall).ToArray();

        Assert.Contains(grid.Part(0, 0), RecoverBySubtraction(values, primaryOnly, grid.Lines()));
    }
}
