namespace MedicalExaminer.Gateway.Formats.Hl7v2;

/// <summary>The delimiters a message declares in MSH-1 and MSH-2.</summary>
public sealed record Er7Delimiters(char Field, char Component, char Repetition, char Escape, char Subcomponent)
{
    public static Er7Delimiters Standard { get; } = new('|', '^', '~', '\\', '&');

    /// <summary>MSH-2 as written: component, repetition, escape, subcomponent.</summary>
    public string EncodingCharacters => string.Concat(Component, Repetition, Escape, Subcomponent);
}

/// <summary>A parsed ER7 message: its delimiters and its segments in order. Values are already unescaped.</summary>
public sealed class Er7Message(Er7Delimiters delimiters, IReadOnlyList<Er7Segment> segments)
{
    public Er7Delimiters Delimiters { get; } = delimiters;

    public IReadOnlyList<Er7Segment> Segments { get; } = segments;

    public Er7Segment Header => Segments[0];

    public Er7Segment? First(string id) => Segments.FirstOrDefault(s => s.Id == id);

    public IEnumerable<Er7Segment> All(string id) => Segments.Where(s => s.Id == id);
}

/// <summary>
/// One segment. Fields are numbered as HL7 numbers them: <c>PID-3</c> is <c>Field(3)</c>; in MSH, field 1 is
/// the field separator and field 2 the encoding characters, so <c>MSH-9</c> is <c>Field(9)</c> there too.
/// </summary>
public sealed class Er7Segment(string id, IReadOnlyList<Er7Field> fields)
{
    public string Id { get; } = id;

    /// <summary>Index 0 is the segment id; index n is field n.</summary>
    public IReadOnlyList<Er7Field> Fields { get; } = fields;

    public Er7Field Field(int number) => number < Fields.Count ? Fields[number] : Er7Field.Empty;

    /// <summary>First repetition's component (1-based) and subcomponent (1-based), or null when empty.</summary>
    public string? Value(int field, int component = 1, int subcomponent = 1) => Field(field).Value(0, component, subcomponent);
}

/// <summary>A field: repetitions of components of subcomponents.</summary>
public sealed class Er7Field(IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> repetitions)
{
    public static Er7Field Empty { get; } = new([]);

    public IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> Repetitions { get; } = repetitions;

    /// <summary>The value at a repetition (0-based), component and subcomponent (1-based); null when absent or empty.</summary>
    public string? Value(int repetition, int component = 1, int subcomponent = 1)
    {
        if (repetition >= Repetitions.Count || component > Repetitions[repetition].Count)
        {
            return null;
        }

        var subcomponents = Repetitions[repetition][component - 1];
        var value = subcomponent <= subcomponents.Count ? subcomponents[subcomponent - 1] : null;
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
