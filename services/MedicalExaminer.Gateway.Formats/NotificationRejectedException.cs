namespace MedicalExaminer.Gateway.Formats;

/// <summary>
/// The one exception the format readers (ER7 parser, ADT^A03 mapper, FHIR mapper) throw: a machine-readable
/// code and where in the message the problem is (a field path), never a value from the message.
/// </summary>
public sealed class NotificationRejectedException : Exception
{
    public NotificationRejectedException(string code, string field)
        : base($"{code} at {field}")
    {
        Code = code;
        Field = field;
    }

    public NotificationRejectedException()
        : this(GatewayErrorCodes.Malformed, "$")
    {
    }

    public NotificationRejectedException(string message)
        : this(GatewayErrorCodes.Malformed, message)
    {
    }

    public NotificationRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = GatewayErrorCodes.Malformed;
        Field = "$";
    }

    public string Code { get; }

    public string Field { get; }
}

/// <summary>Gateway error codes beyond the domain's <see cref="Domain.ValidationErrorCodes"/> (which the gateway reuses as they are).</summary>
public static class GatewayErrorCodes
{
    public const string Malformed = "malformed";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string UnsupportedCharset = "unsupported-charset";
    public const string BadEncoding = "bad-encoding";
    public const string MalformedHl7 = "malformed-hl7";
    public const string BadEscape = "bad-escape";
    public const string BrokenSegment = "broken-segment";
    public const string UnsupportedMessageType = "unsupported-message-type";
    public const string UnsupportedVersion = "unsupported-version";
    public const string NotADeath = "not-a-death";
    public const string AmbiguousLocalTime = "ambiguous-local-time";
    public const string MalformedFhir = "malformed-fhir";
    public const string InvalidFhir = "invalid-fhir";
    public const string UnsupportedResource = "unsupported-resource";
    public const string MissingResource = "missing-resource";
    public const string Unauthenticated = "unauthenticated";
    public const string OtherOdsCode = "other-ods-code";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not-found";
    public const string RateLimited = "rate-limited";
    public const string PublishFailed = "publish-failed";
}
