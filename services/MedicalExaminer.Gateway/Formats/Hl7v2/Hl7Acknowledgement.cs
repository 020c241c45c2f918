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

    public static string Build(Er7Message? request, string code, string? controlIdText, string? errorCode = null, string? location = null, string? hl7ErrorCode = null)
    {
        var d = request?.Delimiters ?? Er7Delimiters.Standard;
        string E(string? value) => Er7Parser.Escape(value, d);
        var msh = request?.Header;
        var now = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var controlId = Guid.NewGuid().ToString("N")[..20];
        var lines = new List<string>
        {
            // Sender and receiver swap places in the reply.
            string.Join(d.Field, "MSH", d.EncodingCharacters, "ME-GATEWAY", "ME", E(msh?.Value(3)), E(msh?.Value(4)), now, "",
                $"ACK{d.Component}{E(msh?.Value(9, 2))}{d.Component}ACK", controlId, "P", E(msh?.Value(12)) is { Length: > 0 } v ? v : "2.5.1"),
            string.Join(d.Field, "MSA", code, E(msh?.Value(10)), E(controlIdText)),
        };
        if (errorCode is not null)
        {
            // ERR-3 HL7 error code (table 0357), ERR-4 severity, ERR-8 user message: our code and where.
            lines.Add(string.Join(d.Field, "ERR", "", E(location), $"{hl7ErrorCode ?? "207"}{d.Component}{d.Component}HL70357", "E", "", "", "", E($"{errorCode} at {location}")));
        }

        return string.Join('\r', lines) + "\r";
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
