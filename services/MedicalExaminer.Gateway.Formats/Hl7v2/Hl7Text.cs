using System.Text;

namespace MedicalExaminer.Gateway.Formats.Hl7v2;

/// <summary>
/// The bytes of an ER7 message as text, in the character set the sender declared: the HTTP <c>charset</c>
/// parameter when there is one, else MSH-18 (HL7 table 0211), else UTF-8 (of which ASCII, HL7's default, is a
/// subset). A UTF-8 byte order mark, which Windows interface engines write at the start of exported files, is
/// skipped. The encoding is also the one the acknowledgement is written in, so that a Latin-1 sender can read it.
/// </summary>
public static class Hl7Text
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static Hl7Text() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>A character set a message was read in: the encoding and its MSH-18 name for the reply.</summary>
    public sealed record Charset(Encoding Encoding, string Hl7Name);

    public static Charset Utf8 { get; } = new(StrictUtf8, "UNICODE UTF-8");

    public static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>The encoding of an HTTP <c>charset</c> parameter, or null when the gateway cannot read it.</summary>
    public static Charset? OfHttpCharset(string? charset) => charset?.Trim('"').ToLowerInvariant() switch
    {
        null or "" or "utf-8" or "utf8" or "us-ascii" or "ascii" => Utf8,
        "iso-8859-1" or "latin1" or "iso_8859-1" or "l1" => new(Encoding.Latin1, "8859/1"),
        "iso-8859-15" or "latin-9" => new(Encoding.GetEncoding(28605), "8859/15"),
        "windows-1252" or "cp1252" => new(Encoding.GetEncoding(1252), "8859/1"),
        _ => null,
    };

    /// <summary>The encoding of an MSH-18 value (HL7 table 0211), or null when the gateway cannot read it.</summary>
    public static Charset? OfMsh18(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "ASCII" or "ISO IR6" or "UNICODE UTF-8" or "UTF-8" or "UTF8" or "UNICODE" => Utf8,
        "8859/1" or "ISO IR100" or "ISO-8859-1" => new(Encoding.Latin1, "8859/1"),
        "8859/15" or "ISO-8859-15" => new(Encoding.GetEncoding(28605), "8859/15"),
        _ => null,
    };

    /// <summary>
    /// Decodes a message. <paramref name="httpCharset"/> is the HTTP charset parameter (already known to be
    /// supported), or null over MLLP. Throws <see cref="NotificationRejectedException"/> (<c>unsupported-charset</c>
    /// at MSH-18, <c>bad-encoding</c>) and nothing else; <paramref name="charset"/> is set before either is thrown.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> body, Charset? httpCharset, out Charset charset)
    {
        if (body.StartsWith(Hl7Text.Utf8ByteOrderMark))
        {
            body = body[3..];
        }

        charset = Utf8;
        if (httpCharset is not null && httpCharset != Utf8)
        {
            charset = httpCharset;
        }
        else
        {
            var declared = Msh18Of(body);
            charset = OfMsh18(declared) ?? throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedCharset, "MSH-18");
        }

        try
        {
            return charset.Encoding.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.BadEncoding, "$");
        }
    }

    /// <summary>MSH-18's first component, read from the raw bytes (every character set of table 0211 that the gateway reads is ASCII-compatible there).</summary>
    private static string? Msh18Of(ReadOnlySpan<byte> body)
    {
        if (body.Length < 8 || !body.StartsWith("MSH"u8))
        {
            return null;
        }

        var field = body[3];
        var component = body[4];
        var end = body.IndexOfAny((byte)'\r', (byte)'\n');
        var header = end < 0 ? body : body[..end];
        var number = 1;
        var start = 4;
        for (var i = 4; i <= header.Length; i++)
        {
            if (i == header.Length || header[i] == field)
            {
                // MSH-1 is the separator itself, so the first field after "MSH|" is MSH-2.
                number++;
                if (number == 18)
                {
                    var value = header[start..i];
                    var cut = value.IndexOf(component);
                    value = cut < 0 ? value : value[..cut];
                    return value.IsEmpty || value.Length > 32 ? null : Encoding.ASCII.GetString(value);
                }

                start = i + 1;
            }
        }

        return null;
    }
}
