using System.Net;
using MedicalExaminer.Contracts;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Metrics.Tests;

/// <summary>The dashboard pages over HTTP: the same roles and disclosure control as the API.</summary>
public sealed class DashboardTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    private const string Window = "/?granularity=month&from=2026-01&to=2026-04";

    [Fact]
    public async Task a_regulator_sees_five_accessible_charts_with_table_alternatives_and_suppression_marks()
    {
        await using var host = await ApiTests.StartWithStreamAsync(postgres, kafka);
        using var client = host.Client(MetricsHost.Token(Roles.Regulator, null));

        using var response = await client.GetAsync(Window, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, CountOf(html, "role=\"img\" aria-labelledby=\"chart-"));
        Assert.Equal(5, CountOf(html, "<desc id=\"chart-"));
        Assert.Equal(5, CountOf(html, "data-chart=\""));
        Assert.Contains("data-suppressed=\"true\"", html);
        Assert.Contains("/nhsuk/nhsuk-frontend.min.css", html);
        Assert.Contains("href=\"/api/metrics/csv?granularity=month&amp;from=2026-01&amp;to=2026-04\"", html);
        Assert.DoesNotContain(CaseStory.FreeText, html);
        Assert.DoesNotContain(CaseStory.DeceasedName, html);
    }

    [Fact]
    public async Task an_office_examiner_sees_their_office_only_and_no_regulator_filters()
    {
        await using var host = await ApiTests.StartWithStreamAsync(postgres, kafka);
        using var client = host.Client(MetricsHost.Token(Roles.MedicalExaminer, SyntheticStream.OfficeA));

        var html = await client.GetStringAsync(Window, TestContext.Current.CancellationToken);
        using var other = await client.GetAsync($"{Window}&office={SyntheticStream.OfficeB}", TestContext.Current.CancellationToken);

        Assert.Contains("Office A", html);
        Assert.DoesNotContain("Office B", html);
        Assert.DoesNotContain("England and Wales", html);
        Assert.DoesNotContain("id=\"region\"", html);
        Assert.DoesNotContain("data-suppressed=\"true\"", html);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task the_css_is_served_and_people_without_a_metrics_role_are_kept_out()
    {
        await using var host = await MetricsHost.StartAsync(await postgres.CreateMigratedDatabaseAsync(TestContext.Current.CancellationToken), kafka.BootstrapServers, kafka.CreateTopic("case-events", 1));

        using var anonymous = host.Client();
        using var css = await anonymous.GetAsync("/nhsuk/nhsuk-frontend.min.css", TestContext.Current.CancellationToken);
        using var page = await anonymous.GetAsync("/", TestContext.Current.CancellationToken);
        using var officer = host.Client(MetricsHost.Token(Roles.MedicalExaminerOfficer, SyntheticStream.OfficeA));
        using var officerPage = await officer.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/sign-in", page.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, officerPage.StatusCode);
    }

    private static int CountOf(string text, string fragment)
    {
        var count = 0;
        for (var i = text.IndexOf(fragment, StringComparison.Ordinal); i >= 0; i = text.IndexOf(fragment, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
