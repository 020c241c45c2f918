using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain;

/// <summary>
/// Reads a notification message (UTF-8 JSON) and validates it. Never throws on bad input.
/// A message that cannot be read as a <see cref="DeathNotification"/> yields one error (the first
/// problem found, with its JSON path); a readable one goes to <see cref="NotificationValidator"/>,
/// which reports every field error.
/// </summary>
public static class DeathNotificationParser
{
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>Deeper than the deepest record (3 levels) by a wide margin; anything beyond is hostile or broken.</summary>
    public const int MaxDepth = 16;

    private const string Root = "$";

    // The same contract without the unknown-member rule: used only after a strict read failed, to
    // tell an unknown field from a value of the wrong type without looking at the exception message
    // (which can quote the offending value).
    private static readonly JsonTypeInfo<DeathNotification> IgnoringUnknownMembers = (JsonTypeInfo<DeathNotification>)
        new JsonSerializerOptions(ContractsJsonContext.Default.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip }
            .GetTypeInfo(typeof(DeathNotification));

    public static NotificationValidation Parse(ReadOnlySpan<byte> utf8Json, DateTimeOffset now)
    {
        if (utf8Json.Length > MaxMessageBytes)
        {
            return NotificationValidation.Refused(ValidationErrorCodes.Oversize, Root);
        }

        // JSON is UTF-8 by definition (RFC 8259), so invalid bytes are malformed JSON.
        if (!Utf8.IsValid(utf8Json))
        {
            return NotificationValidation.Refused(ValidationErrorCodes.MalformedJson, Root);
        }

        // Postgres text and jsonb cannot hold U+0000; a message carrying it would fail the intake
        // worker's whole batch transaction forever, so it is refused like any other bad input.
        if (utf8Json.IndexOf("\\u0000"u8) >= 0)
        {
            return NotificationValidation.Refused(ValidationErrorCodes.InvalidCharacter, Root);
        }

        if (CheckStructure(utf8Json) is { } structural)
        {
            return new NotificationValidation(null, [structural]);
        }

        DeathNotification? notification;
        try
        {
            notification = JsonSerializer.Deserialize(utf8Json, ContractsJsonContext.Default.DeathNotification);
        }
        catch (JsonException ex)
        {
            return NotificationValidation.Refused(Classify(utf8Json), FieldOf(ex.Path));
        }

        return notification is null
            ? NotificationValidation.Refused(ValidationErrorCodes.WrongType, Root)
            : NotificationValidator.Validate(notification, now);
    }

    /// <summary>
    /// One pass of the reader before binding: syntax, nesting depth, duplicate property names and
    /// undecodable escapes, each with the path where it occurs.
    /// </summary>
    private static ValidationError? CheckStructure(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        var containers = new Stack<Container>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (reader.CurrentDepth >= MaxDepth)
                        {
                            return new ValidationError(ValidationErrorCodes.TooDeep, Root);
                        }

                        containers.Push(new Container(ValuePath(containers, property), reader.TokenType == JsonTokenType.StartObject));
                        property = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        containers.Pop();
                        Advance(containers);
                        break;
                    case JsonTokenType.PropertyName:
                        property = reader.GetString()!;
                        if (!containers.Peek().Names!.Add(property))
                        {
                            return new ValidationError(ValidationErrorCodes.DuplicateField, FieldOf(ValuePath(containers, property)));
                        }

                        break;
                    default:
                        if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped)
                        {
                            // Decoding throws on an escaped lone surrogate, which no string can hold.
                            _ = reader.GetString();
                        }

                        property = null;
                        Advance(containers);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return new ValidationError(ValidationErrorCodes.MalformedJson, Root);
        }
        catch (InvalidOperationException)
        {
            return new ValidationError(ValidationErrorCodes.MalformedJson, Root);
        }

        return null;
    }

    private static string ValuePath(Stack<Container> containers, string? property) =>
        containers.TryPeek(out var parent)
            ? parent.Names is null ? $"{parent.Path}[{parent.Index}]" : $"{parent.Path}.{property}"
            : Root;

    private static void Advance(Stack<Container> containers)
    {
        if (containers.TryPeek(out var parent) && parent.Names is null)
        {
            parent.Index++;
        }
    }

    private static string Classify(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            JsonSerializer.Deserialize(utf8Json, IgnoringUnknownMembers);
            return ValidationErrorCodes.UnknownField;
        }
        catch (JsonException)
        {
            return ValidationErrorCodes.WrongType;
        }
    }

    /// <summary>"$.deceased.nhsNumber" → "deceased.nhsNumber"; the root stays "$".</summary>
    private static string FieldOf(string? path) =>
        path is null || path == Root ? Root : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private sealed class Container(string path, bool isObject)
    {
        public string Path { get; } = path;

        /// <summary>Property names seen so far, compared as the binder matches them (case-insensitively); null for an array.</summary>
        public HashSet<string>? Names { get; } = isObject ? new(StringComparer.OrdinalIgnoreCase) : null;

        public int Index { get; set; }
    }
}
