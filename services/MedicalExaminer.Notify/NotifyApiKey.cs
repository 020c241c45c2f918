namespace MedicalExaminer.Notify;

/// <summary>
/// A GOV.UK Notify API key: <c>{key name}-{service id}-{secret key}</c>, where the service id and the secret are
/// UUIDs (36 characters each) and the name may itself contain hyphens, so both are taken from the end.
/// The secret signs the request tokens and is never sent or logged.
/// </summary>
public sealed class NotifyApiKey
{
    private const int UuidLength = 36;

    private NotifyApiKey(string name, Guid serviceId, string secret)
    {
        Name = name;
        ServiceId = serviceId;
        Secret = secret;
    }

    public string Name { get; }

    public Guid ServiceId { get; }

    /// <summary>The secret as written in the key: its UTF-8 bytes are the HMAC key.</summary>
    public string Secret { get; }

    public static NotifyApiKey Parse(string key) =>
        TryParse(key, out var parsed) ? parsed : throw new FormatException("Not a Notify API key: expected {name}-{service id}-{secret key}.");

    public static bool TryParse(string? key, out NotifyApiKey parsed)
    {
        parsed = null!;
        key = key?.Trim();
        if (key is null || key.Length < 2 * UuidLength + 3 || key[^(UuidLength + 1)] != '-' || key[^(2 * UuidLength + 2)] != '-')
        {
            return false;
        }

        var secret = key[^UuidLength..];
        if (!Guid.TryParseExact(key[^(2 * UuidLength + 1)..^(UuidLength + 1)], "D", out var serviceId) || !Guid.TryParseExact(secret, "D", out _))
        {
            return false;
        }

        parsed = new NotifyApiKey(key[..^(2 * UuidLength + 2)], serviceId, secret);
        return true;
    }

    /// <summary>A new random key (development and tests: the dev host gives the same key to the notifier and the sink).</summary>
    public static string Generate(string name, Guid? serviceId = null) => $"{name}-{serviceId ?? Guid.NewGuid():D}-{Guid.NewGuid():D}";

    /// <summary>Never the secret.</summary>
    public override string ToString() => $"{Name}-{ServiceId:D}-(secret)";
}
