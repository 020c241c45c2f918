using System.Globalization;
using System.Text;

namespace MedicalExaminer.Gateway.Formats.Hl7v2;

/// <summary>
/// A small, strict parser of HL7 v2 ER7 ("pipe and hat") messages. Hand-written because no HL7 v2
/// library is available to this project: it covers what the gateway needs — delimiters declared in
/// MSH-1/MSH-2, segments, fields, repetitions, components, subcomponents and the escape sequences of
/// HL7 v2.x §2.7 (\F\ \S\ \T\ \R\ \E\, \Xhh…\ hexadecimal, \.br\ and the formatting escapes) — and
/// refuses, with <see cref="NotificationRejectedException"/> and the location, anything it does not
/// understand instead of guessing. It never throws any other exception, whatever the input.
/// </summary>
public static class Er7Parser
{
    public const int MaxSegments = 500;
    public const int MaxFieldsPerSegment = 200;

    /// <summary>Segment terminators: HL7 says CR; LF and CRLF are accepted too because files edited on Unix end lines so.</summary>
    private static readonly char[] SegmentTerminators = ['\r', '\n'];

    public static Er7Message Parse(string message)
    {
        ArgumentNullException.ThrowIfNull(message);

        // Read leniently where it is unambiguous: blank lines before MSH (file exports), and a file export that
        // doubled every backslash, seen in MSH-2 as ^~\\& (every escape sequence then has its backslashes doubled too).
        message = message.TrimStart('\r', '\n');
        if (message.Length > 9 && message.StartsWith("MSH", StringComparison.Ordinal) && message[4..].StartsWith("^~\\\\&", StringComparison.Ordinal) && message[9] == message[3])
        {
            message = message.Replace("\\\\", "\\", StringComparison.Ordinal);
        }

        if (!message.StartsWith("MSH", StringComparison.Ordinal) || message.Length < 8)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.MalformedHl7, "MSH");
        }

        var delimiters = ReadDelimiters(message);
        var lines = message.Split(SegmentTerminators, StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length > MaxSegments)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.BrokenSegment, "$");
        }

        var segments = new List<Er7Segment>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            segments.Add(ParseSegment(lines[i], i, delimiters));
        }

        if (segments.Count(s => s.Id == "MSH") != 1)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.BrokenSegment, "MSH");
        }

        return new Er7Message(delimiters, segments);
    }

    /// <summary>
    /// The MSH segment of a message that could not be read as a whole, as far as it can be made out (values that
    /// do not unescape are kept as sent), or null: for an acknowledgement that names the sender's control id.
    /// </summary>
    public static Er7Message? TryParseHeader(ReadOnlySpan<byte> body)
    {
        try
        {
            if (body.StartsWith(Hl7Text.Utf8ByteOrderMark))
            {
                body = body[3..];
            }

            var end = body.IndexOfAny((byte)'\r', (byte)'\n');
            var line = Encoding.UTF8.GetString(end < 0 ? body : body[..end]);
            if (!line.StartsWith("MSH", StringComparison.Ordinal) || line.Length < 8)
            {
                return null;
            }

            var d = ReadDelimiters(line);
            var raw = line[4..].Split(d.Field);
            var fields = new List<Er7Field> { new([[["MSH"]]]), new([[[d.Field.ToString()]]]), new([[[raw[0]]]]) };
            foreach (var value in raw.Skip(1).Take(MaxFieldsPerSegment))
            {
                fields.Add(new Er7Field(value.Split(d.Repetition)
                    .Select(r => (IReadOnlyList<IReadOnlyList<string>>)r.Split(d.Component).Select(c => (IReadOnlyList<string>)c.Split(d.Subcomponent).Select(v => TryUnescape(v, d)).ToList()).ToList())
                    .ToList()));
            }

            return new Er7Message(d, [new Er7Segment("MSH", fields)]);
        }
        catch (NotificationRejectedException)
        {
            return null;
        }
    }

    private static string TryUnescape(string value, Er7Delimiters d)
    {
        try
        {
            return Unescape(value, d, "MSH");
        }
        catch (NotificationRejectedException)
        {
            return value;
        }
    }

    private static Er7Delimiters ReadDelimiters(string message)
    {
        var field = message[3];
        var end = message.IndexOf(field, 4);
        if (end < 0)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.MalformedHl7, "MSH-2");
        }

        // Four encoding characters; v2.7 adds a fifth (truncation), which is accepted and not used.
        var encoding = message.AsSpan(4, end - 4);
        if (encoding.Length is < 4 or > 5)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.MalformedHl7, "MSH-2");
        }

        var all = string.Concat(field.ToString(), encoding);
        if (all.Any(c => char.IsAsciiLetterOrDigit(c) || char.IsWhiteSpace(c) || char.IsControl(c)) || all.Distinct().Count() != all.Length)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.MalformedHl7, "MSH-2");
        }

        return new Er7Delimiters(field, encoding[0], encoding[1], encoding[2], encoding[3]);
    }

    private static Er7Segment ParseSegment(string line, int index, Er7Delimiters d)
    {
        if (line.Length < 3 || !IsSegmentId(line.AsSpan(0, 3)) || (line.Length > 3 && line[3] != d.Field))
        {
            throw new NotificationRejectedException(GatewayErrorCodes.BrokenSegment, string.Create(CultureInfo.InvariantCulture, $"segment {index + 1}"));
        }

        var id = line[..3];
        if (index == 0 && id != "MSH")
        {
            throw new NotificationRejectedException(GatewayErrorCodes.BrokenSegment, "MSH");
        }

        foreach (var c in line)
        {
            // Tab is tolerated in text; every other control character means the wrong encoding or a broken frame.
            if (char.IsControl(c) && c != '\t')
            {
                throw new NotificationRejectedException(GatewayErrorCodes.BadEncoding, string.Create(CultureInfo.InvariantCulture, $"{id} (segment {index + 1})"));
            }
        }

        var raw = line.Length > 4 ? line[4..].Split(d.Field) : [];
        if (raw.Length > MaxFieldsPerSegment)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.BrokenSegment, id);
        }

        var fields = new List<Er7Field>(raw.Length + 2) { new([[[id]]]) };
        if (id == "MSH")
        {
            // MSH-1 is the field separator and MSH-2 the encoding characters: neither is split nor unescaped.
            fields.Add(new Er7Field([[[d.Field.ToString()]]]));
            fields.Add(new Er7Field([[[raw[0]]]]));
            raw = raw[1..];
        }

        var number = fields.Count;
        foreach (var value in raw)
        {
            fields.Add(ParseField(value, d, id, number++));
        }

        return new Er7Segment(id, fields);
    }

    private static bool IsSegmentId(ReadOnlySpan<char> id) =>
        char.IsAsciiLetterUpper(id[0]) && (char.IsAsciiLetterUpper(id[1]) || char.IsAsciiDigit(id[1])) && (char.IsAsciiLetterUpper(id[2]) || char.IsAsciiDigit(id[2]));

    private static Er7Field ParseField(string value, Er7Delimiters d, string segment, int number)
    {
        if (value.Length == 0)
        {
            return Er7Field.Empty;
        }

        var location = string.Create(CultureInfo.InvariantCulture, $"{segment}-{number}");
        return new Er7Field(value.Split(d.Repetition)
            .Select(repetition => (IReadOnlyList<IReadOnlyList<string>>)repetition.Split(d.Component)
                .Select(component => (IReadOnlyList<string>)component.Split(d.Subcomponent).Select(s => Unescape(s, d, location)).ToList())
                .ToList())
            .ToList());
    }

    /// <summary>Decodes the escape sequences of one subcomponent (HL7 v2.x §2.7).</summary>
    public static string Unescape(string value, Er7Delimiters d, string location)
    {
        if (!value.Contains(d.Escape, StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c != d.Escape)
            {
                result.Append(c);
                i++;
                continue;
            }

            var close = value.IndexOf(d.Escape, i + 1);
            if (close < 0 || close == i + 1)
            {
                throw new NotificationRejectedException(GatewayErrorCodes.BadEscape, location);
            }

            var sequence = value.AsSpan(i + 1, close - i - 1);
            switch (sequence)
            {
                case "F": result.Append(d.Field); break;
                case "S": result.Append(d.Component); break;
                case "T": result.Append(d.Subcomponent); break;
                case "R": result.Append(d.Repetition); break;
                case "E": result.Append(d.Escape); break;
                case ".br": result.Append('\n'); break;
                // Highlighting on/off and formatting hints carry no text.
                case "H" or "N" or ".sp" or ".fi" or ".nf" or ".in" or ".ti" or ".sk" or ".ce": break;
                default:
                    if (sequence[0] == 'X')
                    {
                        result.Append(DecodeHex(sequence[1..], location));
                    }
                    else
                    {
                        throw new NotificationRejectedException(GatewayErrorCodes.BadEscape, location);
                    }

                    break;
            }

            i = close + 1;
        }

        return result.ToString();
    }

    /// <summary>\Xhh…\: bytes in hexadecimal, read as UTF-8 (the only character set the gateway accepts besides ASCII).</summary>
    private static string DecodeHex(ReadOnlySpan<char> hex, string location)
    {
        if (hex.Length == 0 || hex.Length % 2 != 0)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.BadEscape, location);
        }

        var bytes = new byte[hex.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (!byte.TryParse(hex.Slice(i * 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
            {
                throw new NotificationRejectedException(GatewayErrorCodes.BadEscape, location);
            }
        }

        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new NotificationRejectedException(GatewayErrorCodes.BadEncoding, location);
        }

        var text = Encoding.UTF8.GetString(bytes);
        if (text.Any(c => char.IsControl(c) && c is not ('\t' or '\n')))
        {
            throw new NotificationRejectedException(GatewayErrorCodes.BadEncoding, location);
        }

        return text;
    }

    /// <summary>Escapes a value for writing into a field: the inverse of <see cref="Unescape"/> for the delimiters and line breaks.</summary>
    public static string Escape(string? value, Er7Delimiters d)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var result = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c == d.Escape) { result.Append(d.Escape).Append('E').Append(d.Escape); }
            else if (c == d.Field) { result.Append(d.Escape).Append('F').Append(d.Escape); }
            else if (c == d.Component) { result.Append(d.Escape).Append('S').Append(d.Escape); }
            else if (c == d.Subcomponent) { result.Append(d.Escape).Append('T').Append(d.Escape); }
            else if (c == d.Repetition) { result.Append(d.Escape).Append('R').Append(d.Escape); }
            else if (c == '\n') { result.Append(d.Escape).Append(".br").Append(d.Escape); }
            else if (c == '\r') { continue; }
            else { result.Append(c); }
        }

        return result.ToString();
    }
}
