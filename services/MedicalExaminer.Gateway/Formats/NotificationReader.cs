using MedicalExaminer.Domain;
using MedicalExaminer.Gateway.Formats.Fhir;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.Gateway.Profiles;
using MedicalExaminer.Gateway.Publishing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace MedicalExaminer.Gateway.Formats;

/// <summary>
/// Turns a request body in any accepted format into the notification's contract JSON (DOMAIN §2).
/// JSON passes through untouched; FHIR and HL7 v2 are mapped. Throws only <see cref="NotificationRejectedException"/>.
/// </summary>
public sealed class NotificationReader(IOptions<GatewayOptions> options, PublisherProfiles profiles)
{
    public const string Json = NotificationFormats.Json;
    public const string Fhir = NotificationFormats.Fhir;
    public const string Hl7 = NotificationFormats.Hl7;

    public const string JsonMediaType = NotificationFormats.JsonMediaType;
    public const string FhirMediaType = NotificationFormats.FhirMediaType;
    public const string Hl7MediaType = NotificationFormats.Hl7MediaType;

    /// <summary>The media type of HL7 v2 ER7 registered for HL7 over HTTP, which most senders use.</summary>
    public const string Hl7V2MediaType = "application/hl7-v2";

    public static readonly IReadOnlyList<string> MediaTypes = [JsonMediaType, FhirMediaType, Hl7MediaType, Hl7V2MediaType];

    private readonly TimeZoneInfo _hl7Zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.Hl7LocalTimeZone);

    /// <summary>The format of a Content-Type, or null when it is none of ours (415).</summary>
    public static string? FormatOf(string? contentType) => FormatOf(contentType, out _);

    /// <summary>
    /// The format of a Content-Type, or null when it is none of ours (415), and for HL7 v2 the character set its
    /// <c>charset</c> parameter declares (null when there is none). JSON and FHIR are UTF-8 by definition; HL7 v2 may
    /// come in any character set the gateway reads (<see cref="Hl7Text"/>); another is refused, <c>unsupported-charset</c>.
    /// </summary>
    public static string? FormatOf(string? contentType, out Hl7Text.Charset? hl7Charset)
    {
        hl7Charset = null;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return null;
        }

        var format = mediaType.MediaType.Value?.ToLowerInvariant() switch
        {
            JsonMediaType => Json,
            FhirMediaType or "application/json+fhir" => Fhir,
            Hl7MediaType or Hl7V2MediaType or "application/x-hl7" or "x-application/hl7-v2" => Hl7,
            _ => null,
        };
        var charset = mediaType.Charset.HasValue ? mediaType.Charset.Value : null;
        if (format == Hl7)
        {
            hl7Charset = charset is null ? null : Hl7Text.OfHttpCharset(charset) ?? throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedCharset, "Content-Type");
        }
        else if (format is not null && charset is not null && Hl7Text.OfHttpCharset(charset) != Hl7Text.Utf8)
        {
            // Bodies are read as UTF-8 (FHIR and JSON are UTF-8 by definition); another declared charset would be misread.
            throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedCharset, "Content-Type");
        }

        return format;
    }

    /// <param name="publisher">The authenticated publisher, whose profile says how its messages are written; null reads them as the standards say.</param>
    public byte[] ToContractJson(string format, byte[] body, Hl7Text.Charset? hl7Charset = null, PublisherIdentity? publisher = null) => format switch
    {
        Json => body,
        Fhir => NotificationPublisher.ToContractJson(FhirNotificationMapper.Map(body, publisher?.OdsCode, publisher?.Id)),
        Hl7 => MapHl7(ParseEr7(body, hl7Charset, out _), publisher),
        _ => throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedMediaType, "Content-Type"),
    };

    public byte[] MapHl7(Er7Message message, PublisherIdentity? publisher = null) =>
        NotificationPublisher.ToContractJson(AdtA03Mapper.Map(message, profiles.Hl7SenderOf(publisher, _hl7Zone)));

    public static Er7Message ParseEr7(ReadOnlySpan<byte> body) => ParseEr7(body, null, out _);

    /// <param name="charset">The character set the message was read in, for the reply; UTF-8 until it is known.</param>
    public static Er7Message ParseEr7(ReadOnlySpan<byte> body, Hl7Text.Charset? httpCharset, out Hl7Text.Charset charset)
    {
        charset = Hl7Text.Utf8;
        if (body.Length > DeathNotificationParser.MaxMessageBytes)
        {
            throw new NotificationRejectedException(ValidationErrorCodes.Oversize, "$");
        }

        var text = Hl7Text.Decode(body, httpCharset, out charset);
        return Er7Parser.Parse(text);
    }
}
