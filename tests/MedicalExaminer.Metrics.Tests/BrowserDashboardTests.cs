using MedicalExaminer.Testing;
using MedicalExaminer.Testing.Browser;
using Microsoft.Playwright;

namespace MedicalExaminer.Metrics.Tests;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium through Playwright) over the real service on 127.0.0.1:
/// a regulator signs in and sees the charts. Screenshots go to bin/.../screenshots for a person to look at.
/// </summary>
public sealed class BrowserDashboardTests(PostgresFixture postgres, KafkaClusterFixture kafka, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task a_regulator_signs_in_and_the_dashboard_renders_its_charts_with_suppressed_figures_marked()
    {
        // Enough deaths for most figures to show; the small stream's office B and unrouted rows stay suppressed.
        await using var host = await ApiTests.StartWithStreamAsync(postgres, kafka, [.. SyntheticStream.Bulk(seed: 7, cases: 600), .. SyntheticStream.InOrder()]);
        var (context, page) = await browser.NewPageAsync(host.BaseAddress);
        await using var _ = context;

        await page.GotoAsync("/?granularity=month&from=2026-01&to=2026-04");
        Assert.Contains("/sign-in", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Regulator analyst", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Medical examiner scrutiny metrics" })).ToBeVisibleAsync();
        // Every chart is an image named by its title, and is drawn (it has a size on the page).
        foreach (var title in new[] { "Scrutiny coverage", "Coroner referral rate", "Time from death to MCCD: England and Wales", "SLA performance: England and Wales" })
        {
            var chart = page.GetByRole(AriaRole.Img, new() { Name = title, Exact = true });
            await Assertions.Expect(chart).ToBeVisibleAsync();
            var box = await chart.BoundingBoxAsync();
            Assert.True(box is { Width: > 300, Height: > 100 }, $"{title} should be drawn, box {box?.Width}×{box?.Height}");
        }

        Assert.True(await page.Locator("svg.me-chart [data-suppressed='true']").CountAsync() > 0, "suppressed figures are drawn as suppressed");
        Assert.True(await page.Locator("svg.me-chart circle.point").CountAsync() > 0, "figures with values are drawn as points");
        await Assertions.Expect(page.Locator("#summary")).ToContainTextAsync("*");
        await BrowserFixture.ScreenshotAsync(page, "metrics-dashboard-regulator");

        // The table alternative opens and says the same.
        await page.GetByText("Scrutiny coverage as a table").ClickAsync();
        await Assertions.Expect(page.Locator("table[data-chart='coverage']")).ToBeVisibleAsync();
    }
}
