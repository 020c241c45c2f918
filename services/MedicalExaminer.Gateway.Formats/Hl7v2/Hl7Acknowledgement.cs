using System.Globalization;

namespace MedicalExaminer.Gateway.Formats.Hl7v2;

/// <summary>
/// ACK messages (original acknowledgement mode): AA accepted; AE refused for its content (fix and resend);
/// AR rejected (wrong message type or version, unreadable, or not processed now: resend later).
/// The ERR segment names our error code and the location, never a value; MSH-8 (the key) is never echoed.
/// </summary>
public static class Hl7Acknowledgement
{
    public const string Accepted = "AA";
    public const string Error = "AE";
    public const string Rejected = "AR";

    public static string Build(Er7Message? request, string code, string? controlIdText, string? errorCode = null, string? location = null, string? hl7ErrorCode = null,
        Hl7Text.Charset? charset = null)
    {
        var d = request?.Delimiters ?? Er7Delimiters.Standard;

        // Escaped, and without control characters or lone surrogates, so that the ACK parses whatever was echoed.
        string E(string? value) => Er7Parser.Escape(Printable(value), d);
        var msh = request?.Header;
        var now = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var controlId = Guid.NewGuid().ToString("N")[..20];
        var lines = new List<string>
        {
            // Sender and receiver swap places in the reply.
            string.Join(d.Field, "MSH", d.EncodingCharacters, "ME-GATEWAY", "ME", E(msh?.Value(3)), E(msh?.Value(4)), now, "",
                $"ACK{d.Component}{E(msh?.Value(9, 2))}{d.Component}ACK", controlId, "P", VersionOf(msh?.Value(12)), "", "", "", "", "", (charset ?? Hl7Text.Utf8).Hl7Name),
            string.Join(d.Field, "MSA", code, E(msh?.Value(10)), E(controlIdText)),
        };
        if (errorCode is not null)
        {
            // ERR-3 HL7 error code (table 0357), ERR-4 severity, ERR-8 user message: our code and where.
            lines.Add(string.Join(d.Field, "ERR", "", E(location), $"{hl7ErrorCode ?? "207"}{d.Component}{d.Component}HL70357", "E", "", "", "", E($"{errorCode} at {location}")));
        }

        return string.Join('\r', lines) + "\r";
    }

    /// <summary>The request's version when it is one, else 2.5.1: the ACK must be readable whatever MSH-12 held.</summary>
    private static string VersionOf(string? version) =>
        version is { Length: >= 3 and <= 8 } && version.All(c => char.IsAsciiDigit(c) || c == '.') ? version : "2.5.1";

    private static string? Printable(string? value)
    {
        if (value is null || !value.Any(c => char.IsControl(c) || char.IsSurrogate(c)))
        {
            return value;
        }

        var result = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                result.Append(c).Append(value[++i]);
            }
            else
            {
                result.Append(char.IsControl(c) || char.IsSurrogate(c) ? ' ' : c);
            }
        }

        return result.ToString();
    }

    /// <summary>HL7 table 0357 code for one of our codes.</summary>
    public static string Hl7ErrorCodeOf(string code) => code switch
    {
        GatewayErrorCodes.UnsupportedMessageType => "200",
        GatewayErrorCodes.UnsupportedVersion => "203",
        GatewayErrorCodes.MalformedHl7 or GatewayErrorCodes.BrokenSegment or GatewayErrorCodes.BadEscape or GatewayErrorCodes.BadEncoding => "100",
        Domain.ValidationErrorCodes.Required or GatewayErrorCodes.MissingResource => "101",
        Domain.ValidationErrorCodes.InvalidFormat or Domain.ValidationErrorCodes.WrongType => "102",
        Domain.ValidationErrorCodes.UnknownCode => "103",
        _ => "207",
    };
}
