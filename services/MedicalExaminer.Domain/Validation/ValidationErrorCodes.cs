namespace MedicalExaminer.Domain;

/// <summary>Machine-readable validation codes; with the field's JSON path they say what is wrong, never the value.</summary>
public static class ValidationErrorCodes
{
    public const string Required = "required";
    public const string TooLong = "too-long";
    public const string InvalidFormat = "invalid-format";
    public const string InvalidNhsNumber = "invalid-nhs-number";
    public const string UnknownCode = "unknown-code";
    public const string InTheFuture = "in-the-future";
    public const string BeforeBirth = "before-birth";
    public const string Oversize = "oversize";
    public const string MalformedJson = "malformed-json";
    public const string WrongType = "wrong-type";
    public const string UnknownField = "unknown-field";
    public const string UnsupportedSchemaVersion = "unsupported-schema-version";

    /// <summary>A list holds more items than it can meaningfully have (circumstances: more than there are reason codes).</summary>
    public const string TooMany = "too-many";

    /// <summary>JSON nested deeper than <see cref="DeathNotificationParser.MaxDepth"/>.</summary>
    public const string TooDeep = "too-deep";

    /// <summary>A character Postgres cannot store (U+0000): refused before it could fail a whole intake batch.</summary>
    public const string InvalidCharacter = "invalid-character";

    /// <summary>The same property twice in one object: which value was meant is ambiguous.</summary>
    public const string DuplicateField = "duplicate-field";
}
