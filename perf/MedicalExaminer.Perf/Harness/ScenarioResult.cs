using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedicalExaminer.Perf.Harness;

/// <summary>
/// One scenario's figures, written as <c>perf/results/&lt;date&gt;-&lt;scenario&gt;.json</c> (a flat <c>figures</c>
/// object of names to numbers, so runs can be compared by a script) and a Markdown summary beside it.
/// </summary>
public sealed class ScenarioResult(string scenario, string description)
{
    private readonly List<(string Name, double Value, string Meaning)> _figures = [];
    private readonly List<string> _notes = [];

    public string Scenario => scenario;

    public ScenarioResult Figure(string name, double value, string meaning)
    {
        _figures.Add((name, value, meaning));
        return this;
    }

    public ScenarioResult Note(string note)
    {
        _notes.Add(note);
        return this;
    }

    public double this[string name] => _figures.Single(f => f.Name == name).Value;

    public async Task<(string Json, string Markdown)> WriteAsync(string directory, Machine machine, string command, DateTimeOffset date, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, $"{date:yyyy-MM-dd}-{scenario}");
        var figures = new JsonObject();
        foreach (var (name, value, _) in _figures)
        {
            figures[name] = double.IsFinite(value) ? value : null;
        }

        var json = new JsonObject
        {
            ["scenario"] = scenario,
            ["description"] = description,
            ["date"] = date.ToString("O", CultureInfo.InvariantCulture),
            ["command"] = command,
            ["machine"] = new JsonObject
            {
                ["cores"] = machine.Cores,
                ["memoryGiB"] = machine.MemoryGiB,
                ["cpu"] = machine.CpuModel,
                ["os"] = machine.Os,
                ["runtime"] = machine.Runtime,
            },
            ["figures"] = figures,
            ["notes"] = new JsonArray([.. _notes.Select(n => (JsonNode?)JsonValue.Create(n))]),
        };
        await File.WriteAllTextAsync(stem + ".json", json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken);

        var md = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# {scenario}: {description}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"- Date: {date:yyyy-MM-dd HH:mm} UTC")
            .AppendLine(CultureInfo.InvariantCulture, $"- Machine: {machine.Cores} cores, {machine.MemoryGiB} GiB, {machine.CpuModel}; {machine.Os}; {machine.Runtime}")
            .AppendLine(CultureInfo.InvariantCulture, $"- Command: `{command}`")
            .AppendLine()
            .AppendLine("| figure | value | meaning |")
            .AppendLine("|---|---:|---|");
        foreach (var (name, value, meaning) in _figures)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| `{name}` | {value.ToString("#,0.###", CultureInfo.InvariantCulture)} | {meaning} |");
        }

        if (_notes.Count > 0)
        {
            md.AppendLine();
            foreach (var note in _notes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
        }

        await File.WriteAllTextAsync(stem + ".md", md.ToString(), cancellationToken);
        return (stem + ".json", stem + ".md");
    }
}
