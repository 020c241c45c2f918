using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Notify;

/// <summary>
/// One family template in one language, as written in <c>Templates/{name}.{language}.txt</c>: a subject and a body
/// (email and letter) and a short text (SMS), with Notify's placeholders <c>((field))</c> and optional content
/// <c>((field??text))</c>.
/// </summary>
public sealed record FamilyTemplate(string Name, string Language, string Subject, string Body, string Sms)
{
    /// <summary>The text sent on <paramref name="channel"/> (SMS has its own, shorter text).</summary>
    public string TextFor(string channel) => channel == ContactChannels.Sms ? Sms : Body;

    /// <summary>The personalisation fields the channel's text needs (subject included where there is one).</summary>
    public IReadOnlySet<string> FieldsFor(string channel) => channel == ContactChannels.Sms
        ? TemplateRenderer.Placeholders(Sms)
        : TemplateRenderer.Placeholders(Subject).Union(TemplateRenderer.Placeholders(Body)).ToHashSet(StringComparer.Ordinal);
}

/// <summary>The words a language needs outside the templates (month names, how to refer to an unnamed person), from <c>Templates/values.{language}.txt</c>.</summary>
public sealed record LanguageValues(string Language, IReadOnlyList<string> Months, string UnnamedDeceased, string UnnamedInformant)
{
    /// <summary>A date as the family reads it: "25 November 2026", "25 Tachwedd 2026".</summary>
    public string Date(DateOnly date) => string.Create(CultureInfo.InvariantCulture, $"{date.Day} {Months[date.Month - 1]} {date.Year}");
}

/// <summary>
/// Every family template in every language, loaded from the files embedded in this assembly. The provider's template
/// ids are derived from (template, language, channel) so that the notifier and the sink agree without configuration;
/// against the real Notify they are configured (<c>Notify:TemplateIds</c>) after the files' text is set up there.
/// </summary>
public static class TemplateCatalog
{
    private static readonly Lazy<Dictionary<(string Name, string Language), FamilyTemplate>> Templates = new(LoadTemplates);
    private static readonly Lazy<Dictionary<string, LanguageValues>> Values = new(LoadValues);

    public static IEnumerable<FamilyTemplate> All => Templates.Value.Values;

    public static FamilyTemplate Get(string name, string language) =>
        Templates.Value.TryGetValue((name, language), out var template)
            ? template
            : throw new KeyNotFoundException($"No template {name} in language {language}.");

    public static LanguageValues ValuesFor(string language) =>
        Values.Value.TryGetValue(language, out var values) ? values : throw new KeyNotFoundException($"No values for language {language}.");

    /// <summary>A stable UUID for (template, language, channel): name-based (SHA-256, RFC 9562 version 8 layout).</summary>
    public static Guid DefaultTemplateId(string name, string language, string channel)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"medical-examiner/family/{name}/{language}/{channel}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The template, language and channel behind a default template id (the sink's lookup).</summary>
    public static (FamilyTemplate Template, string Channel)? FindByDefaultId(Guid templateId) =>
        All.SelectMany(t => ContactChannels.All.Select(c => (Template: t, Channel: c)))
            .Where(x => DefaultTemplateId(x.Template.Name, x.Template.Language, x.Channel) == templateId)
            .Select(x => ((FamilyTemplate, string)?)x)
            .FirstOrDefault();

    private static Dictionary<(string, string), FamilyTemplate> LoadTemplates()
    {
        var templates = new Dictionary<(string, string), FamilyTemplate>();
        foreach (var name in FamilyTemplates.All)
        {
            foreach (var language in Languages.All)
            {
                templates[(name, language)] = ParseTemplate(name, language, Read($"{name}.{language}.txt"));
            }
        }

        return templates;
    }

    private static Dictionary<string, LanguageValues> LoadValues() => Languages.All.ToDictionary(
        language => language,
        language =>
        {
            var entries = ParseEntries(Read($"values.{language}.txt"));
            return new LanguageValues(
                language,
                entries["months"].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                entries["unnamed-deceased"],
                entries["unnamed-informant"]);
        },
        StringComparer.Ordinal);

    /// <summary>"subject: …" on the first line, then sections that start with a line "body:" and a line "sms:".</summary>
    internal static FamilyTemplate ParseTemplate(string name, string language, string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        if (!lines[0].StartsWith("subject:", StringComparison.Ordinal))
        {
            throw new FormatException($"Template {name}.{language} must start with a subject: line.");
        }

        var sections = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        StringBuilder? current = null;
        foreach (var line in lines.Skip(1))
        {
            if (line is "body:" or "sms:")
            {
                current = sections[line[..^1]] = new StringBuilder();
            }
            else
            {
                current?.Append(line).Append('\n');
            }
        }

        if (!sections.TryGetValue("body", out var body) || !sections.TryGetValue("sms", out var sms))
        {
            throw new FormatException($"Template {name}.{language} needs a body: and an sms: section.");
        }

        return new FamilyTemplate(name, language, lines[0]["subject:".Length..].Trim(), body.ToString().Trim(), sms.ToString().Trim());
    }

    private static Dictionary<string, string> ParseEntries(string text) => text.ReplaceLineEndings("\n").Split('\n')
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split(':', 2))
        .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);

    private static string Read(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Templates.{file}")
            ?? throw new FileNotFoundException($"Template file {file} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>A personalisation field a template needs was not given (Notify answers 400 "Missing personalisation").</summary>
public sealed class MissingPersonalisationException(IReadOnlyCollection<string> fields)
    : Exception($"Missing personalisation: {string.Join(", ", fields)}")
{
    public IReadOnlyCollection<string> Fields { get; } = fields;
}

/// <summary>
/// Notify's template language: <c>((field))</c> is replaced by its value; <c>((field??text))</c> shows text when the value is
/// yes/true. Like Notify, no placeholder inside optional text.
/// </summary>
public static partial class TemplateRenderer
{
    public static string Render(string text, IReadOnlyDictionary<string, string> personalisation)
    {
        var missing = Placeholders(text).Where(f => !personalisation.ContainsKey(f)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new MissingPersonalisationException(missing);
        }

        return Placeholder().Replace(text, match =>
        {
            var value = personalisation[match.Groups["field"].Value];
            return match.Groups["optional"].Success
                ? (value.Equals("yes", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase) ? match.Groups["optional"].Value : "")
                : value;
        });
    }

    public static IReadOnlySet<string> Placeholders(string text) =>
        Placeholder().Matches(text).Select(m => m.Groups["field"].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\(\((?<field>[a-z0-9_]+)(\?\?(?<optional>[^)]*))?\)\)", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
