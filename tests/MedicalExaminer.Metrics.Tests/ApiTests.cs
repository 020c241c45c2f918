using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Api;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Metrics.Tests;

/// <summary>
/// The regulator API over HTTP with real tokens: who sees what (DOMAIN §8), CSV, OpenAPI, Prometheus, and that
/// nothing here reaches case-level data or free text.
/// </summary>
public sealed class ApiTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    private const string Q1 = "/api/metrics?granularity=quarter&from=2026-Q1&to=2026-Q1";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private Task<MetricsHost> StartWithStreamAsync() => StartWithStreamAsync(postgres, kafka);

    /// <summary>A metrics host that has projected <see cref="SyntheticStream"/> from a fresh topic.</summary>
    internal static async Task<MetricsHost> StartWithStreamAsync(PostgresFixture postgres, KafkaClusterFixture kafka, List<CaseEvent>? stream = null)
    {
        var topic = kafka.CreateTopic("case-events", partitions: 3);
        var events = stream ?? SyntheticStream.InOrder();
        await MetricsHost.PublishAsync(kafka.BootstrapServers, topic, events);
        var host = await MetricsHost.StartAsync(await postgres.CreateMigratedDatabaseAsync(TestContext.Current.CancellationToken), kafka.BootstrapServers, topic);
        await host.WaitForEventsAsync(MetricsHost.KeptCount(events), TimeSpan.FromSeconds(60));
        return host;
    }

    private static async Task<string> BodyAsync(HttpResponseMessage response) => Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());

    [Fact]
    public async Task a_regulator_gets_every_office_and_the_nation_with_disclosure_control()
    {
        await using var host = await StartWithStreamAsync();
        using var client = host.Client(MetricsHost.Token(Roles.Regulator, null));

        var figures = await client.GetFromJsonAsync<FiguresResponse>(Q1, Json, TestContext.Current.CancellationToken);

        Assert.NotNull(figures);
        Assert.True(figures.DisclosureControlled);
        Assert.Equal([SyntheticStream.OfficeA, SyntheticStream.OfficeB, "unrouted", null], figures.Rows.Select(r => r.OfficeId));
        Assert.Equal(14m, figures.Rows[^1].Figures[ScrutinyMetricNames.DeathsNotified].Value);
        Assert.Equal(MetricFigure.Hidden, figures.Rows[0].Figures[ScrutinyMetricNames.DeathsNotified]);
        Assert.Equal(MetricFigure.Hidden, figures.Rows[1].Figures[ScrutinyMetricNames.MedianHoursDeathToMccd]);
    }

    [Fact]
    public async Task a_medical_examiner_gets_their_own_office_unsuppressed_and_is_refused_any_other()
    {
        await using var host = await StartWithStreamAsync();
        using var client = host.Client(MetricsHost.Token(Roles.MedicalExaminer, SyntheticStream.OfficeB));

        var own = await client.GetFromJsonAsync<FiguresResponse>(Q1, Json, TestContext.Current.CancellationToken);
        using var other = await client.GetAsync($"{Q1}&office={SyntheticStream.OfficeA}", TestContext.Current.CancellationToken);

        Assert.NotNull(own);
        Assert.False(own.DisclosureControlled);
        var row = Assert.Single(own.Rows);
        Assert.Equal(SyntheticStream.OfficeB, row.OfficeId);
        Assert.Equal(3m, row.Figures[ScrutinyMetricNames.DeathsNotified].Value);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    // Who else is refused (officers, admins, publishers, nobody, bad tokens) is a row of the whole system's
    // authorization matrix: tests/MedicalExaminer.Security.Tests/AuthorizationMatrix.cs.

    [Fact]
    public async Task the_csv_download_has_a_header_every_metric_and_suppression_marks()
    {
        await using var host = await StartWithStreamAsync();
        using var client = host.Client(MetricsHost.Token(Roles.Regulator, null));

        using var response = await client.GetAsync("/api/metrics/csv?granularity=quarter&from=2026-Q1&to=2026-Q1", TestContext.Current.CancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("scrutiny-metrics-quarter-2026-Q1-to-2026-Q1.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(["period", "scope", "office_id", "office_name", "region", .. ScrutinyMetricNames.All], header);
        Assert.Equal(5, lines.Length); // header, A, B, unrouted, national
        var a = lines[1].Split(',');
        var national = lines[4].Split(',');
        Assert.Equal("*", a[Array.IndexOf(header, ScrutinyMetricNames.DeathsNotified)]);
        Assert.Equal("14", national[Array.IndexOf(header, ScrutinyMetricNames.DeathsNotified)]);
        Assert.Equal("0", national[Array.IndexOf(header, ScrutinyMetricNames.Reason(ReasonCodes.Violence))]);
        Assert.All(lines.Skip(1), line => Assert.Equal(header.Length, line.Split(',').Length));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://example.invalid\",\"x\")", "\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\"")]
    [InlineData("+1+cmd", "'+1+cmd")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("Leeds Teaching Hospitals", "Leeds Teaching Hospitals")]
    [InlineData("North East and Yorkshire", "North East and Yorkshire")]
    public void a_csv_text_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(string value, string written) =>
        Assert.Equal(written, FiguresCsv.TextCell(value));

    [Fact]
    public async Task a_regulator_never_reaches_case_level_data_or_free_text()
    {
        await using var host = await StartWithStreamAsync();
        using var client = host.Client(MetricsHost.Token(Roles.Regulator, null));
        var caseId = new CaseStory("A1").CaseId;

        // No route to a case, an event, a case list or anything but aggregates.
        foreach (var path in new[] { $"/api/cases/{caseId}", "/api/cases", $"/api/metrics/{caseId}", $"/api/metrics/cases/{caseId}", "/api/events", "/api/queues" })
        {
            using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        }

        using var openApi = await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(await BodyAsync(openApi));
        Assert.All(document.RootElement.GetProperty("paths").EnumerateObject(), path => Assert.StartsWith("/api/metrics", path.Name));

        // Neither the figures nor the CSV, at any granularity, carry free text, names or case ids.
        foreach (var path in new[] { "/api/metrics?from=2026-01&to=2026-12", "/api/metrics/csv?from=2026-01&to=2026-12", Q1, "/api/metrics/csv?granularity=quarter&from=2026-Q1&to=2026-Q4" })
        {
            var body = await BodyAsync(await client.GetAsync(path, TestContext.Current.CancellationToken));
            Assert.DoesNotContain(CaseStory.FreeText, body);
            Assert.DoesNotContain(CaseStory.DeceasedName, body);
            Assert.DoesNotContain(caseId.ToString(), body);
        }
    }

    [Theory]
    [InlineData("granularity=week")]
    [InlineData("from=2026-13")]
    [InlineData("granularity=quarter&from=2026-01")]
    [InlineData("from=2026-06&to=2026-01")]
    [InlineData("from=2000-01&to=2026-01")]
    public async Task a_bad_window_is_a_problem_that_names_the_field_without_echoing_it(string query)
    {
        await using var host = await MetricsHost.StartAsync(await postgres.CreateMigratedDatabaseAsync(TestContext.Current.CancellationToken), kafka.BootstrapServers, kafka.CreateTopic("case-events", 1));
        using var client = host.Client(MetricsHost.Token(Roles.Regulator, null));

        using var response = await client.GetAsync($"/api/metrics?{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await BodyAsync(response);
        Assert.DoesNotContain("week", body);
        Assert.DoesNotContain("2026-13", body);
    }

    [Fact]
    public async Task the_prometheus_endpoint_exposes_the_instruments_with_office_and_period_labels_only()
    {
        await using var host = await StartWithStreamAsync();
        using var client = host.Client();

        // The exporter caches a scrape briefly and the projection may still be part-way through the stream:
        // poll until the whole stream's count shows (a deadline, not a sleep).
        static bool AllProjected(string line) => line.StartsWith("me_metrics_deaths_notified", StringComparison.Ordinal)
            && line.Contains("office=\"me-a\"", StringComparison.Ordinal) && line.Contains("period=\"2026-01\"", StringComparison.Ordinal) && line.EndsWith(" 10", StringComparison.Ordinal);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var text = "";
        while (DateTime.UtcNow < deadline && !text.Split('\n').Any(AllProjected))
        {
            text = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        var notified = text.Split('\n').Where(l => l.StartsWith("me_metrics_deaths_notified", StringComparison.Ordinal) && !l.StartsWith('#')).ToList();
        Assert.Contains(notified, l => l.Contains("office=\"me-a\"", StringComparison.Ordinal) && l.Contains("period=\"2026-01\"", StringComparison.Ordinal) && l.EndsWith(" 10", StringComparison.Ordinal));
        Assert.Contains(text.Split('\n'), l => l.StartsWith("me_metrics_death_to_mccd_hours_bucket", StringComparison.Ordinal));
        foreach (var line in text.Split('\n').Where(l => l.StartsWith("me_metrics_", StringComparison.Ordinal)))
        {
            var labels = line.Contains('{') ? line[(line.IndexOf('{') + 1)..line.IndexOf('}')] : "";
            var names = labels.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf('=')]).Where(n => n is not "otel_scope_name" and not "otel_scope_version" and not "le" and not "job" and not "instance");
            Assert.All(names, n => Assert.Contains(n, new[] { "office", "period" }));
        }

        Assert.DoesNotContain(new CaseStory("A1").CaseId.ToString(), text);
    }
}
