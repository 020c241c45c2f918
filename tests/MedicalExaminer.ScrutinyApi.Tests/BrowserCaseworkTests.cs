using MedicalExaminer.Casework;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.ScrutinyApi.Casework;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using MedicalExaminer.Testing.Browser;
using Microsoft.Playwright;

namespace MedicalExaminer.ScrutinyApi.Tests;

/// <summary>
/// The scrutiny UI in a real browser (Debian's Chromium through Playwright) against the real API over
/// 127.0.0.1 and a real Postgres: what a medical examiner does all day. Screenshots go to
/// bin/.../screenshots for a person to look at.
/// </summary>
public sealed class BrowserCaseworkTests(PostgresFixture postgres, BrowserFixture browser)
{
    [Fact]
    public async Task an_examiner_signs_in_claims_the_most_urgent_case_and_completes_it_with_an_mccd()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 300);
        await using var host = await ApiHost.StartAsync(world);
        var examiner = DemoUsers.All.Single(u => u.Id == $"me.{CaseworkWorld.Office}");
        var mostUrgent = await MostUrgentUnclaimedAsync(world, examiner.Role);
        var (context, page) = await browser.NewPageAsync(host.BaseAddress);
        await using var _ = context;

        // Signing in: an unauthenticated visit lands on the sign-in page; the demo user is a labelled radio.
        await page.GotoAsync("/");
        Assert.Contains("/sign-in", page.Url, StringComparison.Ordinal);
        await page.GetByLabel(examiner.Name, new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"{CaseworkWorld.Office} queues" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "01-queues");

        await page.GetByRole(AriaRole.Button, new() { Name = "Take the most urgent case" }).ClickAsync();
        await page.WaitForURLAsync($"**/cases/{mostUrgent.CaseId}");
        await Assertions.Expect(page.Locator("#assigned-examiner")).ToContainTextAsync("You");
        await BrowserFixture.ScreenshotAsync(page, "02-claimed");

        // The seeded office has urgent releases: the most urgent case is one, and its decision comes first.
        Assert.Equal(Queues.UrgentRelease, mostUrgent.Queue);
        await Step(page, "decide-urgent-release", async form => await form.GetByLabel("Approve").CheckAsync());

        await Step(page, "record-records-review", async form => await form.GetByLabel("Summary (optional)").FillAsync("Notes and drug chart reviewed."));

        // The agreed cause is prefilled from the proposed one; the ME agrees it as it stands.
        var ia = await page.Locator("#record-ap-discussion-ia").InputValueAsync();
        Assert.False(string.IsNullOrWhiteSpace(ia), "part Ia is prefilled from the proposed cause of death");
        await Step(page, "record-ap-discussion", _ => Task.CompletedTask);

        // A mistake first: concerns raised without a summary is refused with an NHS error summary that links to the field.
        var bereaved = page.Locator("#record-bereaved-discussion-form");
        await bereaved.GetByLabel("Held").CheckAsync();
        await bereaved.GetByLabel("Yes").CheckAsync();
        await bereaved.GetByRole(AriaRole.Button, new() { Name = "Record discussion" }).ClickAsync();
        var summary = page.Locator(".nhsuk-error-summary");
        await Assertions.Expect(summary).ToBeVisibleAsync();
        await Assertions.Expect(summary.Locator("a[href='#record-bereaved-discussion-summary']")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "03-error-summary");
        await summary.Locator("a[href='#record-bereaved-discussion-summary']").ClickAsync();
        await Assertions.Expect(page.Locator("#record-bereaved-discussion-summary")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("Daughter asked about the timing of the last dose.");
        await Step(page, "record-bereaved-discussion", async form =>
        {
            await Assertions.Expect(form.GetByLabel("Held")).ToBeCheckedAsync();
            await Assertions.Expect(form.GetByLabel("Yes")).ToBeCheckedAsync();
        });

        await Step(page, "issue-mccd", _ => Task.CompletedTask);
        await Assertions.Expect(page.Locator("#case-state")).ToHaveTextAsync("Scrutiny complete");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("Mccd issued");
        await BrowserFixture.ScreenshotAsync(page, "04-complete");

        var history = await world.EventTypesAsync(mostUrgent.CaseId);
        Assert.Equal(
            [nameof(CaseAssigned), nameof(UrgentReleaseDecided), nameof(RecordsReviewed), nameof(AttendingPractitionerDiscussed), nameof(BereavedDiscussed), nameof(MccdIssued)],
            history.SkipWhile(e => e != nameof(CaseAssigned)).ToList());
        Assert.Equal(CaseStates.ScrutinyComplete, await world.ScalarAsync<string>("SELECT state FROM casework.cases WHERE case_id = @id", new { id = mostUrgent.CaseId }));
    }

    [Fact]
    public async Task an_officer_prepares_a_case_but_is_not_offered_the_mccd_outcome()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 100);
        await using var host = await ApiHost.StartAsync(world);
        var officer = DemoUsers.All.Single(u => u.Id == $"meo.{CaseworkWorld.Office}");
        var (context, page) = await browser.NewPageAsync(host.BaseAddress);
        await using var _ = context;

        await page.GotoAsync("/sign-in");
        await page.GetByLabel(officer.Name, new() { Exact = true }).CheckAsync();
        // Keyboard only: the sign-in button is reachable and pressable without a mouse.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Button, new() { Name = "Take the most urgent case" }).ClickAsync();
        await Assertions.Expect(page.Locator("#assigned-officer")).ToContainTextAsync("You");

        await Step(page, "record-records-review", _ => Task.CompletedTask);
        // Recorded once, the review shows as done rather than offering its form again.
        await Assertions.Expect(page.Locator("#records-reviewed")).ToContainTextAsync("Records reviewed");
        await Assertions.Expect(page.Locator("#record-records-review-form")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#record-bereaved-discussion-form")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#issue-mccd-form")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#refer-to-coroner-form")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "05-officer");
    }

    /// <summary>Fills one step's form, submits it, and waits for the page to confirm it was recorded.</summary>
    private static async Task Step(IPage page, string step, Func<ILocator, Task> fill)
    {
        var form = page.Locator($"#{step}-form");
        await fill(form);
        await form.Locator($"#{step}-submit").ClickAsync();
        await Assertions.Expect(page.Locator(".nhsuk-error-summary")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#confirmation")).ToBeVisibleAsync();
    }

    /// <summary>The case claim next must pick: the first unclaimed case of the role's queues in claim order, oldest death first.</summary>
    private static async Task<(Guid CaseId, string Queue)> MostUrgentUnclaimedAsync(CaseworkWorld world, string role)
    {
        await using var connection = await world.DataSource.OpenConnectionAsync();
        foreach (var queue in CaseworkService.ClaimOrder(role))
        {
            var id = await connection.QueryFirstOrDefaultAsync<Guid?>(
                "SELECT case_id FROM casework.cases WHERE office_id = @office AND queue = @queue AND assigned_examiner IS NULL AND assigned_officer IS NULL ORDER BY date_time_of_death, case_id LIMIT 1",
                new { office = CaseworkWorld.Office, queue });
            if (id is { } found)
            {
                return (found, queue);
            }
        }

        throw new InvalidOperationException("The seeded office has no unclaimed case.");
    }
}
