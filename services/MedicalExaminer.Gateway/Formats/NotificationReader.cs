using System.Text;
using MedicalExaminer.Domain;
using MedicalExaminer.Gateway.Formats.Fhir;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Gateway.Publishing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace MedicalExaminer.Gateway.Formats;

/// <summary>
/// Turns a request body in any accepted format into the notification's contract JSON (DOMAIN §2).
/// JSON passes through untouched; FHIR and HL7 v2 are mapped. Throws only <see cref="NotificationRejectedException"/>.
/// </summary>
public sealed class NotificationReader(IOptions<GatewayOptions> options)
{
    public const string Json = "json";
    public const string Fhir = "fhir";
    public const string Hl7 = "hl7v2";

    public const string JsonMediaType = "application/json";
    public const string FhirMediaType = "application/fhir+json";

    /// <summary>HL7's media type for ER7 over HTTP (the HL7-over-HTTP specification); <c>application/hl7-v2</c> is accepted too.</summary>
    public const string Hl7MediaType = "x-application/hl7-v2+er7";

    public static readonly IReadOnlyList<string> MediaTypes = [JsonMediaType, FhirMediaType, Hl7MediaType, "application/hl7-v2"];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly TimeZoneInfo _hl7Zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.Hl7LocalTimeZone);

    /// <summary>The format of a Content-Type, or null when it is none of ours (415).</summary>
    public static string? FormatOf(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return null;
        }

        // Bodies are read as UTF-8 (FHIR and JSON are UTF-8 by definition); another declared charset would be misread.
        if (mediaType.Charset.HasValue && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !mediaType.Charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedCharset, "Content-Type");
        }

        return mediaType.MediaType.Value?.ToLowerInvariant() switch
        {
            JsonMediaType => Json,
            FhirMediaType => Fhir,
            Hl7MediaType or "application/hl7-v2" => Hl7,
            _ => null,
        };
    }

    public byte[] ToContractJson(string format, byte[] body) => format switch
    {
        Json => body,
        Fhir => NotificationPublisher.ToContractJson(FhirNotificationMapper.Map(body)),
        Hl7 => MapHl7(ParseEr7(body)),
        _ => throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedMediaType, "Content-Type"),
    };

    public byte[] MapHl7(Er7Message message) => NotificationPublisher.ToContractJson(AdtA03Mapper.Map(message, _hl7Zone));

    public static Er7Message ParseEr7(ReadOnlySpan<byte> body)
    {
        if (body.Length > DeathNotificationParser.MaxMessageBytes)
        {
            throw new NotificationRejectedException(ValidationErrorCodes.Oversize, "$");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.BadEncoding, "$");
        }

        return Er7Parser.Parse(text);
    }
}
