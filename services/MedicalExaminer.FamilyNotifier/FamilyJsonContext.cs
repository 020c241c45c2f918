using System.Text.Json.Serialization;

namespace MedicalExaminer.FamilyNotifier;

/// <summary>The notifier's own stored JSON (personalisation), source-generated like every other serialization here.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class FamilyJsonContext : JsonSerializerContext;
