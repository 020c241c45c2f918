using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.SyntheticData;

namespace MedicalExaminer.Security.Tests;

/// <summary>
/// One request to one endpoint and the status each caller must get, in the order of <see cref="Caller.Columns"/>.
/// <paramref name="Endpoint"/> is "service METHOD /route" as the service's routing maps it (METHOD * for a Razor page,
/// which takes GET and POST); an endpoint may have several rows (e.g. each workflow step of the command endpoint).
/// </summary>
public sealed record MatrixRow(string Endpoint, string Variant, Func<Cell, Task<HttpResponseMessage>> Send, string Expected)
{
    public string Service => Endpoint[..Endpoint.IndexOf(' ', StringComparison.Ordinal)];

    public IReadOnlyList<int> Statuses => [.. Expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];

    public override string ToString() => $"{Endpoint} [{Variant}]";
}

/// <summary>
/// The authorization matrix of the whole system (DOMAIN §8): every HTTP endpoint of every deployable service × every
/// role from its own office and another × nobody × an expired token, a token signed with another key, a token for
/// another audience. Public endpoints are public on purpose and say why.
/// </summary>
/// <remarks>
/// Reading the columns: examiners and officers see their own office only (another office's case or queue is 404, not
/// 403, so a case's existence does not leak); admins read every office and work the unrouted queue but do not work
/// cases; regulators and publishers have no case access; a regulator reads suppressed metrics, an examiner their own
/// office's; a publisher publishes for its own ODS code only. An API answers a missing or bad credential 401; a page
/// without a session redirects to sign-in (302), a page with a bad bearer token is 401. The Notify sink is not a
/// deployable (a development stand-in for GOV.UK Notify, bound to 127.0.0.1, absent from every k8s overlay): its
/// /v2 API checks Notify's own API-key JWT (401 without, 403 with anything else), its admin page and switches are open.
/// </remarks>
public static class AuthorizationMatrix
{
    private const string Own = WholeSystem.OwnOffice;
    private const string Api = "scrutiny-api";
    private const string Metrics = "metrics";
    private const string Gateway = "gateway";
    private const string Sink = "notify-sink";

    // Public: probes (Kubernetes calls them without credentials; they say nothing but healthy or not).
    private const string Public200 = "200 200 200 200 200 200 200 200 200 200 200 200";

    /// <summary>Anyone may read why a sign-in was refused; the page itself answers 403.</summary>
    private const string Public403 = "403 403 403 403 403 403 403 403 403 403 403 403";

    // Sign-out ends a cookie session whoever asks; it reveals nothing and changes nothing else.
    private const string Redirect = "302 302 302 302 302 302 302 302 302 302 302 302";

    private static readonly object Version1 = new { expectedVersion = 1 };

    public static IReadOnlyList<MatrixRow> Rows { get; } = Build();

    private static List<MatrixRow> Build()
    {
        var rows = new List<MatrixRow>();
        foreach (var service in new[] { Api, Metrics, Gateway, "family-notifier", "intake-worker", Sink })
        {
            rows.Add(new($"{service} * /health/live", "liveness probe", c => c.GetAsync(service, "/health/live"), Public200));
            rows.Add(new($"{service} * /health/ready", "readiness probe", c => c.GetAsync(service, "/health/ready"), Public200));
        }

        // The OpenAPI documents describe the routes, not data; integrators read them before they hold a credential.
        foreach (var service in new[] { Api, Metrics, Gateway })
        {
            rows.Add(new($"{service} GET /openapi/{{documentName}}.json", "OpenAPI document", c => c.GetAsync(service, "/openapi/v1.json"), Public200));
        }

        rows.Add(new($"{Api} POST /sign-out", "sign out", c => c.PostAsync(Api, "/sign-out"), Redirect));
        rows.Add(new($"{Metrics} POST /sign-out", "sign out", c => c.PostAsync(Metrics, "/sign-out"), Redirect));

        // ── Scrutiny API ─────────────────────────────────────────────────────────────  ex-own ex-oth of-own of-oth admin reg pub-own pub-oth anon expired wrong-sig wrong-aud
        rows.Add(new($"{Api} GET /api/offices/{{officeId}}/queues", "queue counts", c => c.GetAsync(Api, $"/api/offices/{Own}/queues"),
            "200 404 200 404 200 403 403 403 401 401 401 401"));
        rows.Add(new($"{Api} GET /api/offices/{{officeId}}/queues/{{queue}}", "a page of a queue", c => c.GetAsync(Api, $"/api/offices/{Own}/queues/scrutiny?pageSize=5"),
            "200 404 200 404 200 403 403 403 401 401 401 401"));
        rows.Add(new($"{Api} GET /api/unrouted", "unrouted queue", c => c.GetAsync(Api, "/api/unrouted?pageSize=5"),
            "403 403 403 403 200 403 403 403 401 401 401 401"));
        rows.Add(new($"{Api} POST /api/offices/{{officeId}}/claim-next", "claim next urgent release", c => c.PostAsync(Api, $"/api/offices/{Own}/claim-next?queue=urgent-release"),
            "200 404 200 404 403 403 403 403 401 401 401 401"));
        rows.Add(new($"{Api} GET /api/cases/{{caseId:guid}}", "read a case", async c => await c.GetAsync(Api, $"/api/cases/{(await c.CaseAsync(Queues.Scrutiny)).Id}"),
            "200 404 200 404 200 403 403 403 401 401 401 401"));

        // Every workflow step on an unclaimed case of the own office: the role is checked before the claim, so a
        // step the role may take is 409 (claim it first) and one it may not is 403; another office's case is 404.
        const string Command = $"{Api} POST /api/cases/{{caseId:guid}}/{{command}}";
        rows.Add(new(Command, "claim", async c => await c.PostJsonAsync(Api, $"/api/cases/{(await c.CaseAsync(Queues.Scrutiny)).Id}/claim", new { }),
            "200 404 200 404 403 403 403 403 401 401 401 401"));
        foreach (var (step, queue, expected) in new (string, string, string)[]
        {
            // An admin may release anyone's claim: on an unclaimed case that is 409 too.
            ("release", Queues.Scrutiny, "409 404 409 404 409 403 403 403 401 401 401 401"),
            ("record-records-review", Queues.Scrutiny, "409 404 409 404 403 403 403 403 401 401 401 401"),
            ("record-ap-discussion", Queues.Scrutiny, "409 404 409 404 403 403 403 403 401 401 401 401"),
            ("record-bereaved-discussion", Queues.Scrutiny, "409 404 409 404 403 403 403 403 401 401 401 401"),
            ("raise-concern", Queues.Scrutiny, "409 404 409 404 403 403 403 403 401 401 401 401"),
            ("issue-mccd", Queues.Scrutiny, "409 404 403 404 403 403 403 403 401 401 401 401"),
            ("refer-to-coroner", Queues.Scrutiny, "409 404 403 404 403 403 403 403 401 401 401 401"),
            ("reopen", Queues.Scrutiny, "409 404 403 404 403 403 403 403 401 401 401 401"),
            ("decide-urgent-release", Queues.UrgentRelease, "409 404 403 404 403 403 403 403 401 401 401 401"),
            ("confirm-coroner-referral", Queues.CoronerReferralReview, "409 404 403 404 403 403 403 403 401 401 401 401"),
            ("override-coroner-referral", Queues.CoronerReferralReview, "409 404 403 404 403 403 403 403 401 401 401 401"),
            ("record-coroner-accepted", Queues.Scrutiny, "409 404 409 404 403 403 403 403 401 401 401 401"),
            ("record-coroner-declined", Queues.Scrutiny, "409 404 409 404 403 403 403 403 401 401 401 401"),
        })
        {
            rows.Add(new(Command, step, async c =>
            {
                var target = await c.CaseAsync(queue);
                return await c.PostJsonAsync(Api, $"/api/cases/{target.Id}/{step}", StepBody(target.Version));
            }, expected));
        }

        // Handing over needs the caller to hold the case in their role (409 on an unassigned case); an admin must name
        // the role whose assignment passes (400 without it).
        rows.Add(new(Command, "hand-over", async c =>
        {
            var target = await c.CaseAsync(Queues.Scrutiny);
            return await c.PostJsonAsync(Api, $"/api/cases/{target.Id}/hand-over", new { expectedVersion = target.Version, toUserId = "colleague", note = "matrix" });
        }, "409 404 409 404 400 403 403 403 401 401 401 401"));
        rows.Add(new(Command, "assign-office (admin, unrouted case)", async c =>
        {
            var target = await c.CaseAsync(Queues.Unrouted, office: null);
            return await c.PostJsonAsync(Api, $"/api/cases/{target.Id}/assign-office", new { expectedVersion = target.Version, officeId = Own });
        }, "404 404 404 404 200 403 403 403 401 401 401 401"));
        rows.Add(new(Command, "no such step", async c => await c.PostJsonAsync(Api, $"/api/cases/{(await c.CaseAsync(Queues.Scrutiny)).Id}/no-such-step", Version1),
            "404 404 404 404 404 403 403 403 401 401 401 401"));

        // ── Scrutiny web UI (the same policies through a bearer token; a browser's cookie session is the other way in) ──
        rows.Add(new($"{Api} * /", "home: the caller's office's queues", c => c.GetAsync(Api, "/"),
            "200 200 200 200 200 403 403 403 302 401 401 401"));
        rows.Add(new($"{Api} * /", "claim next from the home page (own office of the caller)", c => c.PostFormAsync(Api, "/", "/?handler=ClaimNext", new Dictionary<string, string>()),
            "302 302 302 302 403 403 403 403 302 401 401 401"));
        rows.Add(new($"{Api} * /queues/{{queue}}", "a queue of the caller's office", c => c.GetAsync(Api, "/queues/scrutiny"),
            "200 200 200 200 404 403 403 403 302 401 401 401"));
        rows.Add(new($"{Api} * /cases/{{caseId:guid}}", "case page", async c => await c.GetAsync(Api, $"/cases/{(await c.CaseAsync(Queues.Scrutiny)).Id}"),
            "200 404 200 404 200 403 403 403 302 401 401 401"));
        rows.Add(new($"{Api} * /cases/{{caseId:guid}}", "claim from the case page", async c =>
        {
            var target = await c.CaseAsync(Queues.Scrutiny);
            return await c.PostFormAsync(Api, $"/cases/{target.Id}", $"/cases/{target.Id}?handler=Step&step=claim",
                new Dictionary<string, string> { ["Input.Version"] = target.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }, "302 404 302 404 200 403 403 403 302 401 401 401"));
        rows.Add(new($"{Api} * /admin/unrouted", "unrouted page", c => c.GetAsync(Api, "/admin/unrouted"),
            "403 403 403 403 200 403 403 403 302 401 401 401"));
        rows.Add(new($"{Api} * /admin/unrouted", "route an unrouted case from the page", async c =>
        {
            var target = await c.CaseAsync(Queues.Unrouted, office: null);
            return await c.PostFormAsync(Api, "/admin/unrouted", "/admin/unrouted", new Dictionary<string, string>
            {
                ["caseId"] = target.Id.ToString(),
                ["version"] = target.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["officeId"] = Own,
            });
        }, "403 403 403 403 302 403 403 403 302 401 401 401"));
        rows.Add(new($"{Api} * /forbidden", "the refusal page", c => c.GetAsync(Api, "/forbidden"), Public200));
        rows.Add(new($"{Api} * /sign-in", "the sign-in page", c => c.GetAsync(Api, "/sign-in"), Public200));
        rows.Add(new($"{Api} * /sign-in/refused", "why a sign-in was refused", c => c.GetAsync(Api, "/sign-in/refused?reason=no-role"), Public403));

        // ── Metrics service ──────────────────────────────────────────────────────────
        rows.Add(new($"{Metrics} GET /api/metrics/", "figures of the own office", c => c.GetAsync(Metrics, $"/api/metrics/?office={Own}"),
            "200 403 403 403 403 200 403 403 401 401 401 401"));
        rows.Add(new($"{Metrics} GET /api/metrics/csv", "CSV of the own office", c => c.GetAsync(Metrics, $"/api/metrics/csv?office={Own}"),
            "200 403 403 403 403 200 403 403 401 401 401 401"));
        rows.Add(new($"{Metrics} GET /api/metrics/offices", "offices to filter by", c => c.GetAsync(Metrics, "/api/metrics/offices"),
            "200 200 403 403 403 200 403 403 401 401 401 401"));
        rows.Add(new($"{Metrics} * /", "dashboard of the own office", c => c.GetAsync(Metrics, $"/?office={Own}"),
            "200 403 403 403 403 200 403 403 302 401 401 401"));
        rows.Add(new($"{Metrics} * /forbidden", "the refusal page", c => c.GetAsync(Metrics, "/forbidden"), Public200));
        rows.Add(new($"{Metrics} * /sign-in", "the sign-in page", c => c.GetAsync(Metrics, "/sign-in"), Public200));
        rows.Add(new($"{Metrics} * /sign-in/refused", "why a sign-in was refused", c => c.GetAsync(Metrics, "/sign-in/refused?reason=no-role"), Public403));

        // The Prometheus scrape: counters labelled office and period only (no case, no person); scraped in-cluster.
        rows.Add(new($"{Metrics} * /metrics", "Prometheus scrape", c => c.GetAsync(Metrics, "/metrics"), Public200));

        // ── Gateway ──────────────────────────────────────────────────────────────────
        rows.Add(new($"{Gateway} POST /api/notifications", "publish for the own ODS code", c => c.PostAsync(Gateway, "/api/notifications", NotificationFor(c)),
            "403 403 403 403 403 403 202 403 401 401 401 401"));
        rows.Add(new($"{Gateway} GET /api/profiles/{{ods}}", "the own ODS code's publisher profile", c => c.GetAsync(Gateway, $"/api/profiles/{WholeSystem.PublisherOds}"),
            "403 403 403 403 403 403 200 403 401 401 401 401"));

        // ── Notify sink (development stand-in; not deployed) ─────────────────────────
        const string NotifyApi = "403 403 403 403 403 403 403 403 401 403 403 403";
        rows.Add(new($"{Sink} POST /v2/notifications/email", "send email", c => c.PostJsonAsync(Sink, "/v2/notifications/email", new { }), NotifyApi));
        rows.Add(new($"{Sink} POST /v2/notifications/sms", "send SMS", c => c.PostJsonAsync(Sink, "/v2/notifications/sms", new { }), NotifyApi));
        rows.Add(new($"{Sink} POST /v2/notifications/letter", "send letter", c => c.PostJsonAsync(Sink, "/v2/notifications/letter", new { }), NotifyApi));
        rows.Add(new($"{Sink} GET /v2/notifications/{{id:guid}}", "status by id", c => c.GetAsync(Sink, $"/v2/notifications/{Guid.NewGuid()}"), NotifyApi));
        rows.Add(new($"{Sink} GET /v2/notifications", "list by reference", c => c.GetAsync(Sink, "/v2/notifications?reference=x"), NotifyApi));
        rows.Add(new($"{Sink} GET /", "received messages page", c => c.GetAsync(Sink, "/"), Public200));
        rows.Add(new($"{Sink} GET /admin/messages", "received messages", c => c.GetAsync(Sink, "/admin/messages"), Public200));
        rows.Add(new($"{Sink} GET /admin/stats", "request counts", c => c.GetAsync(Sink, "/admin/stats"), Public200));
        rows.Add(new($"{Sink} DELETE /admin/messages", "forget messages", c => c.DeleteAsync(Sink, "/admin/messages"), "204 204 204 204 204 204 204 204 204 204 204 204"));
        rows.Add(new($"{Sink} POST /admin/faults", "switch faults (none)", c => c.PostJsonAsync(Sink, "/admin/faults", new { }), Public200));
        rows.Add(new($"{Sink} DELETE /admin/faults", "clear faults", c => c.DeleteAsync(Sink, "/admin/faults"), "204 204 204 204 204 204 204 204 204 204 204 204"));
        return rows;
    }

    /// <summary>Enough of every step's fields that the step's own validation does not answer before the role and claim checks.</summary>
    private static object StepBody(int version) => new
    {
        expectedVersion = version,
        note = "matrix",
        reason = "matrix",
        summary = "matrix",
        decision = "approved",
        ia = "Pneumonia",
        outcome = "no-concerns",
        concernsRaised = false,
        kind = "clinical-governance",
        reasonCodes = new[] { "unknown-cause" },
    };

    /// <summary>A valid notification for the own ODS code, fresh per cell (one publisher cell must be accepted).</summary>
    private static ByteArrayContent NotificationFor(Cell cell)
    {
        var notification = JsonSerializer.Deserialize(
            new NotificationGenerator(seed: cell.Caller.Name.Length * 97 + (int)cell.Caller.Bad, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0)).Next().Value,
            ContractsJsonContext.Default.DeathNotification)! with { PublisherOdsCode = WholeSystem.PublisherOds, NotificationId = $"matrix-{Guid.NewGuid():N}" };
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(notification, ContractsJsonContext.Default.DeathNotification)));
        content.Headers.ContentType = new MediaTypeHeaderValue(MedicalExaminer.Gateway.Formats.NotificationReader.JsonMediaType);
        return content;
    }
}
