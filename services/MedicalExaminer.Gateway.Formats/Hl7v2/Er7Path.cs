using System.Globalization;

namespace MedicalExaminer.Gateway.Formats.Hl7v2;

/// <summary>A field address as HL7 writes it: <c>PV1-3</c>, <c>PV1-3.4</c>, <c>PV1-3.4.2</c> (segment, field, component, subcomponent).</summary>
public sealed record Er7Path(string Segment, int Field, int Component, int Subcomponent)
{
    public static bool TryParse(string? text, out Er7Path path)
    {
        path = null!;
        if (text is null)
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash != 3)
        {
            return false;
        }

        var numbers = text[(dash + 1)..].Split('.');
        if (numbers.Length > 3 || numbers.Any(n => !int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1 || v > 999))
        {
            return false;
        }

        var parts = numbers.Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        path = new Er7Path(text[..3].ToUpperInvariant(), parts[0], parts.Length > 1 ? parts[1] : 1, parts.Length > 2 ? parts[2] : 1);
        return true;
    }

    /// <summary>Every non-empty value at this address: each occurrence of the segment, each repetition of the field.</summary>
    public IEnumerable<string> ValuesIn(Er7Message message)
    {
        foreach (var segment in message.All(Segment))
        {
            var field = segment.Field(Field);
            for (var r = 0; r < field.Repetitions.Count; r++)
            {
                if (field.Value(r, Component, Subcomponent) is { } value)
                {
                    yield return value;
                }
            }
        }
    }

    public string? FirstIn(Er7Message message) => ValuesIn(message).FirstOrDefault();

    public override string ToString() => $"{Segment}-{Field}.{Component}.{Subcomponent}";
}
