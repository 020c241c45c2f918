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
            return recovered.Count == 0;
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
