using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Testing;
using Npgsql;

namespace MedicalExaminer.Security.Tests;

/// <summary>
/// The PII leak scan: distinctive people go through the whole system (gateway → Kafka → intake → casework through the
/// API to MCCD issued → family notifications through the Notify sink → metrics), with invalid messages around them so
/// the dead-letter queue is used and requests refused; then no seeded name, NHS number, phone number, email, address
/// or postcode may appear in any log record (all services at Trace), span, metric, Prometheus scrape, Kafka header,
/// dead-letter header, event that must not carry contact details, metrics row, audit row, or problem-details body.
/// </summary>
public sealed class PiiLeakScanTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    private sealed record Person(
        string NotificationId, string Format, string GivenName, string FamilyName, string NhsNumber, string Postcode,
        string InformantName, string Phone, string Email, string Address, string Channel, string ApName);

    private static readonly Person[] People =
    [
        new("pii-scan-1", NotificationReader.Json, "Peregrine", "Quillfeather", "7385621902", "LS1 7QZ",
            "Ottoline Vexbridge", "07700 900461", "ottoline.vexbridge@example.org", "17 Thistlewhistle Lane, Leeds", ContactChannels.Email, "Dr Bartholomew Zinkwell"),
        new("pii-scan-2", NotificationReader.Fhir, "Hyacinth", "Marrowgate", "6159483722", "LS2 9XJ",
            "Ambrose Tillinghast", "07700 900872", "ambrose.tillinghast@example.org", "4 Quarrendon Mews, Leeds", ContactChannels.Sms, "Dr Clementine Oakenshaw"),
        new("pii-scan-3", NotificationReader.Hl7, "Leopold", "Fenwickham", "9434765919", "LS6 3PW",
            "Winifred Abernathy-Scrope", "07700 900133", "winifred.scrope@example.org", "9 Gorsebrook Row, Leeds", ContactChannels.Email, "Dr Septimus Haverleigh"),
    ];

    /// <summary>An NHS number with a wrong check digit, and a future death: both refused, both carrying seeded values.</summary>
    private const string BadNhsNumber = "7385621909";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static IEnumerable<string> Seeded => People.SelectMany(p => new[]
    {
        p.GivenName, p.FamilyName, p.NhsNumber, $"{p.NhsNumber[..3]} {p.NhsNumber[3..6]} {p.NhsNumber[6..]}", p.Postcode, p.InformantName,
        p.InformantName.Split(' ')[^1], p.Phone, p.Phone.Replace(" ", "", StringComparison.Ordinal), "+44" + p.Phone[1..].Replace(" ", "", StringComparison.Ordinal),
        p.Email, p.Address.Split(',')[0], p.ApName, p.ApName.Split(' ')[^1],
    }).Append(BadNhsNumber);

    [Fact]
    public async Task no_seeded_name_nhs_number_phone_or_email_reaches_logs_traces_metrics_dlq_headers_or_problem_details()
    {
        var ct = TestContext.Current.CancellationToken;
        var capture = new TelemetryCapture();
        var scanned = new List<(string Where, string Text)>();
        var system = await WholeSystem.StartAsync(postgres, kafka, new WholeSystem.Options(Pipeline: true, Cases: 20, Configure: (_, builder) => capture.Attach(builder)));
        List<Guid> caseIds;
        try
        {
            using var gateway = system.Client("gateway");
            gateway.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, WholeSystem.PublisherKey);

            // 1. The people, each in one of the gateway's formats.
            foreach (var person in People)
            {
                var (body, contentType) = NotificationWriter.Write(Notification(person), person.Format);
                using var response = await PostAsync(gateway, body, contentType);
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{person.NotificationId} ({person.Format}) is accepted: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }

            // 2. Invalid notifications through the gateway: each refused with problem details, which are scanned.
            var invalid = new (string What, byte[] Body, string ContentType)[]
            {
                ("bad NHS number", Json(Notification(People[0]) with { NotificationId = "pii-bad-1", Deceased = Notification(People[0]).Deceased! with { NhsNumber = BadNhsNumber } }), NotificationReader.JsonMediaType),
                ("future death", Json(Notification(People[1]) with { NotificationId = "pii-bad-2", DateTimeOfDeath = DateTimeOffset.UtcNow.AddDays(3).ToString("O") }), NotificationReader.JsonMediaType),
                ("truncated JSON", Encoding.UTF8.GetBytes($$"""{"schemaVersion":1,"deceased":{"givenName":"{{People[2].GivenName}}","nhsNumber":"{{People[2].NhsNumber}}"""), NotificationReader.JsonMediaType),
                ("wrong type", Encoding.UTF8.GetBytes("""{"schemaVersion":1,"sourceSystem":"x","notificationId":"pii-bad-4","informant":{"email":[" """ + People[0].Email + "\"],\"phone\":" + People[0].Phone.Replace(" ", "", StringComparison.Ordinal) + "}}"), NotificationReader.JsonMediaType),
                ("HL7 garbage", Encoding.UTF8.GetBytes($"MSH|^~\\&|x\rPID|||{People[1].NhsNumber}||{People[1].FamilyName}^{People[1].GivenName}\r"), NotificationReader.Hl7MediaType),
                ("FHIR garbage", Encoding.UTF8.GetBytes("""{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","name":[{"family":" """ + People[2].FamilyName + "\"}],\"telecom\":\"" + People[2].Phone + "\"}}]}"), NotificationReader.FhirMediaType),
            };
            foreach (var (what, body, contentType) in invalid)
            {
                using var response = await PostAsync(gateway, body, contentType);
                Assert.True((int)response.StatusCode is >= 400 and < 500, $"the gateway refuses {what}: {(int)response.StatusCode}");
                scanned.Add(($"gateway problem ({what})", await response.Content.ReadAsStringAsync(ct)));
            }

            // 3. The same kinds of bad message straight onto the topic: the intake worker dead-letters them.
            using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
            {
                for (var i = 0; i < invalid.Length - 2; i++)
                {
                    await producer.ProduceAsync(system.TopicNames.Notifications, new Message<string, byte[]> { Key = $"pii-scan:bad-{i}", Value = invalid[i].Body }, ct);
                }
            }

            // 4. The cases open.
            caseIds = await EventuallyAsync(system, "every person's case is opened", async connection =>
            {
                var ids = (await connection.QueryAsync<Guid>(
                    "SELECT case_id FROM casework.cases WHERE notification_id = ANY(@ids)", new { ids = People.Select(p => p.NotificationId).ToArray() })).ToList();
                return ids.Count == People.Length ? ids : null;
            });

            // 5. An examiner works each case to MCCD issued, writing the names into the free text as examiners do.
            using var examiner = system.Client("scrutiny-api", WholeSystem.Token(Roles.MedicalExaminer, WholeSystem.OwnOffice, "me.pii-scan"));
            foreach (var (caseId, person) in caseIds.Zip(await OrderAsync(system, caseIds)))
            {
                await StepAsync(examiner, caseId, "claim", new { });
                await StepAsync(examiner, caseId, "record-records-review", new { summary = $"Notes of {person.GivenName} {person.FamilyName} ({person.NhsNumber}) reviewed." });
                await StepAsync(examiner, caseId, "record-ap-discussion", new { ia = "Bronchopneumonia", ib = "Frailty", note = $"Spoke to {person.ApName}." });

                // Refused requests carrying seeded values: their problem details must not echo them.
                foreach (var (path, body) in new (string, object)[]
                {
                    ($"/api/cases/{caseId}/record-bereaved-discussion", new { expectedVersion = await VersionAsync(examiner, caseId), outcome = person.InformantName, concernsRaised = false }),
                    ($"/api/cases/{caseId}/raise-concern", new { expectedVersion = await VersionAsync(examiner, caseId), kind = person.Email, summary = new string('x', 70_000) + person.Phone }),
                    ($"/api/cases/{caseId}/record-coroner-declined", new { expectedVersion = await VersionAsync(examiner, caseId), decision = person.NhsNumber }),
                })
                {
                    using var refused = await examiner.PostAsJsonAsync(path, body, ct);
                    Assert.True((int)refused.StatusCode is >= 400 and < 500, $"{path} with a seeded value is refused: {(int)refused.StatusCode}");
                    scanned.Add(($"scrutiny API problem ({path})", await refused.Content.ReadAsStringAsync(ct)));
                }

                await StepAsync(examiner, caseId, "record-bereaved-discussion", new { outcome = "held", concernsRaised = false, summary = $"Discussed with {person.InformantName} on {person.Phone}." });
                await StepAsync(examiner, caseId, "issue-mccd", new { });
                using var page = await examiner.GetAsync($"/cases/{caseId}", ct);
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }

            using var regulator = system.Client("metrics", WholeSystem.Token(Roles.Regulator, null, "regulator.pii-scan"));
            using (var refused = await regulator.GetAsync($"/api/metrics/?from={Uri.EscapeDataString(People[1].FamilyName)}&office={Uri.EscapeDataString(People[1].Email)}", ct))
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                scanned.Add(("metrics problem", await refused.Content.ReadAsStringAsync(ct)));
            }

            // 6. Everything downstream has happened: the family told the MCCD is issued (through the sink), the case
            // page's copy of those notifications, the metrics projection, the dead letters.
            await EventuallyAsync(system, "each family is sent the mccd-issued notification", async connection =>
                await connection.ExecuteScalarAsync<int>(
                    "SELECT count(*) FROM family.notifications WHERE case_id = ANY(@caseIds) AND template = 'mccd-issued' AND status IN ('sent', 'delivered')",
                    new { caseIds = caseIds.ToArray() }) == People.Length);
            await EventuallyAsync(system, "the case page holds the family notifications", async connection =>
                await connection.ExecuteScalarAsync<int>(
                    "SELECT count(DISTINCT case_id) FROM casework.family_notifications WHERE case_id = ANY(@caseIds)", new { caseIds = caseIds.ToArray() }) == People.Length);
            await EventuallyAsync(system, "the metrics projection holds every MCCD", async connection =>
                await connection.ExecuteScalarAsync<int>(
                    "SELECT count(*) FROM metrics.events WHERE case_id = ANY(@caseIds) AND event_type = 'MccdIssued'", new { caseIds = caseIds.ToArray() }) == People.Length);
            var deadLetters = kafka.ReadAll(system.TopicNames.NotificationsDeadLetter, invalid.Length - 2, TimeSpan.FromSeconds(60));
            Assert.True(deadLetters.Count == invalid.Length - 2, $"every bad message on the topic is dead-lettered ({deadLetters.Count} of {invalid.Length - 2})");

            using (var sink = system.Client("notify-sink"))
            {
                var received = await sink.GetStringAsync("/admin/messages", ct);
                // Positive control: the provider (not our service) is meant to get them, and the scan would see them.
                Assert.True(Seeded.Any(value => Contains(received, value)), "the Notify sink's messages name the people");
            }

            using (var scrape = system.Client("metrics"))
            {
                scanned.Add(("Prometheus scrape", await scrape.GetStringAsync("/metrics", ct)));
            }
        }
        finally
        {
            // Stopping flushes every exporter; nothing is added to the capture while it is read below.
            await system.DisposeAsync();
        }

        // 7. Kafka: every header of every message on every topic, and the bodies of the topics that carry no contact
        // details by contract (family-notification events, metrics snapshots).
        foreach (var topic in system.TopicNames.All)
        {
            foreach (var message in kafka.ReadToEnd(topic, TimeSpan.FromSeconds(30)))
            {
                foreach (var header in message.Message.Headers)
                {
                    scanned.Add(($"{TopicLabel(topic)} header {header.Key}", Encoding.UTF8.GetString(header.GetValueBytes())));
                }

                if (topic == system.TopicNames.FamilyNotifications || topic == system.TopicNames.Snapshots)
                {
                    scanned.Add(($"{TopicLabel(topic)} value", Encoding.UTF8.GetString(message.Message.Value)));
                }
            }
        }

        // 8. Postgres rows that must hold no personal data: the metrics schema, the audit log, the family outbox.
        await using (var dataSource = NpgsqlDataSource.Create(system.Casework.ConnectionString))
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            foreach (var table in new[] { "metrics.events", "metrics.case_facts", "casework.audit_log", "family.outbox" })
            {
                foreach (var row in await connection.QueryAsync<string>($"SELECT row_to_json(t)::text FROM {table} t"))
                {
                    scanned.Add(($"table {table}", row));
                }
            }
        }

        var (spans, metrics) = capture.Counts();
        Assert.True(capture.LogCount > 1000 && spans > 100 && metrics > 10, $"the capture saw the system at work: {capture.LogCount} log records, {spans} spans, {metrics} metrics");
        // ASP.NET Core's request lines (Microsoft.AspNetCore.Hosting.Diagnostics) echo the URL a client chose, and this
        // scan deliberately sends a query string with personal data in it: every service keeps that category at Warning
        // (ServiceDefaults), where it writes nothing of the kind; everything else is scanned at Trace. (A path is in
        // every request's log scope and routing's debug lines as ASP.NET Core writes them; no route of ours takes
        // personal data in its path, and spans record the route template instead: see the test below.)
        scanned.AddRange(capture.Texts().Where(t => !(t.Where == "log" && t.Text.Contains(" Microsoft.AspNetCore.Hosting.Diagnostics ", StringComparison.Ordinal)
            && t.Text.Contains(": Request ", StringComparison.Ordinal))));

        var leaks = scanned
            .SelectMany(s => Seeded.Where(value => Contains(s.Text, value)).Select(value => (s.Where, Value: value, s.Text)))
            .ToList();
        TestContext.Current.SendDiagnosticMessage($"PII scan: {scanned.Count} texts ({capture.LogCount} log records, {spans} spans, {metrics} metric snapshots), {Seeded.Count()} seeded values, {leaks.Count} leaks");
        Assert.True(leaks.Count == 0, "no seeded personal value appears anywhere it must not:\n" + string.Join("\n", leaks
            .GroupBy(l => (l.Where, l.Value))
            .Take(40)
            .Select(g => $"{g.Key.Where}: '{g.Key.Value}' in …{Excerpt(g.First().Text, g.Key.Value)}…")));
    }

    [Fact]
    public async Task a_span_records_the_route_template_not_the_path_a_client_sent()
    {
        var capture = new TelemetryCapture();
        await using (var world = await Testing.Casework.CaseworkWorld.CreateAsync(postgres, cases: 5))
        await using (var api = await Testing.Casework.ApiHost.StartAsync(world, configure: capture.Attach))
        {
            using var client = api.Client(Testing.Casework.ApiHost.Token(Roles.MedicalExaminer, WholeSystem.OwnOffice));
            using var response = await client.GetAsync($"/api/offices/{Uri.EscapeDataString(People[0].InformantName)}/queues", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        var spans = capture.Texts().Where(t => t.Where.StartsWith("span Microsoft.AspNetCore", StringComparison.Ordinal)).ToList();
        Assert.Contains(spans, s => s.Text.Contains("url.path=/api/offices/{officeId}/queues", StringComparison.Ordinal));
        Assert.DoesNotContain(spans, s => Contains(s.Text, "Vexbridge"));
    }

    private static DeathNotification Notification(Person p) => new()
    {
        SchemaVersion = 1,
        SourceSystem = "pii-scan",
        NotificationId = p.NotificationId,
        PublisherOdsCode = WholeSystem.PublisherOds,
        SiteOdsCode = WholeSystem.PublisherOds,
        PlaceOfDeath = "hospital-inpatient",
        Deceased = new Deceased
        {
            NhsNumber = p.NhsNumber,
            IdentityConfirmed = true,
            GivenName = p.GivenName,
            FamilyName = p.FamilyName,
            DateOfBirth = "1938-03-14",
            Sex = "female",
            Postcode = p.Postcode,
            LearningDisabilityOrAutism = false,
        },
        DateTimeOfDeath = DateTimeOffset.UtcNow.AddHours(-20).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        AttendingPractitioner = new AttendingPractitioner { GmcNumber = "7012345", Name = p.ApName, AvailableWithinReasonableTime = true },
        ProposedCauseOfDeath = new ProposedCauseOfDeath { Ia = "Bronchopneumonia", Ib = "Frailty" },
        Circumstances = [],
        Informant = new Informant
        {
            Name = p.InformantName,
            Relationship = "daughter",
            Phone = p.Phone,
            Email = p.Email,
            Address = p.Address,
            PreferredChannel = p.Channel,
            Language = "en",
            ConsentToContact = true,
        },
    };

    private static byte[] Json(DeathNotification n) => JsonSerializer.SerializeToUtf8Bytes(n, ContractsJsonContext.Default.DeathNotification);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await client.PostAsync("/api/notifications", content);
    }

    /// <summary>The people in the order of <paramref name="caseIds"/>.</summary>
    private static async Task<List<Person>> OrderAsync(WholeSystem system, List<Guid> caseIds)
    {
        await using var connection = await system.Casework.DataSource.OpenConnectionAsync();
        var byCase = (await connection.QueryAsync<(Guid, string)>(
            "SELECT case_id, notification_id FROM casework.cases WHERE case_id = ANY(@caseIds)", new { caseIds = caseIds.ToArray() })).ToDictionary(r => r.Item1, r => r.Item2);
        return [.. caseIds.Select(id => People.Single(p => p.NotificationId == byCase[id]))];
    }

    private static async Task<int> VersionAsync(HttpClient client, Guid caseId)
    {
        using var response = await client.GetAsync($"/api/cases/{caseId}");
        response.EnsureSuccessStatusCode();
        return int.Parse(response.Headers.ETag!.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task StepAsync(HttpClient client, Guid caseId, string step, object fields)
    {
        var body = JsonSerializer.SerializeToElement(fields, Web);
        var withVersion = new Dictionary<string, JsonElement>(body.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)))
        {
            ["expectedVersion"] = JsonSerializer.SerializeToElement(await VersionAsync(client, caseId)),
        };
        using var response = await client.PostAsJsonAsync($"/api/cases/{caseId}/{step}", withVersion, Web);
        Assert.True(response.IsSuccessStatusCode, $"{step} applies: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Polls the system's database until <paramref name="probe"/> returns a value; fails with <paramref name="what"/> at the deadline.</summary>
    private static async Task<T> EventuallyAsync<T>(WholeSystem system, string what, Func<NpgsqlConnection, Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            await using (var connection = await system.Casework.DataSource.OpenConnectionAsync())
            {
                if (await probe(connection) is { } value)
                {
                    return value;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Not within 90 s: {what}.");
    }

    private static async Task EventuallyAsync(WholeSystem system, string what, Func<NpgsqlConnection, Task<bool>> condition) =>
        await EventuallyAsync<object>(system, what, async connection => await condition(connection) ? true : null);

    private static bool Contains(string text, string value) => text.Contains(value, StringComparison.OrdinalIgnoreCase);

    private static string TopicLabel(string topic) => topic[..topic.LastIndexOf('-')];

    private static string Excerpt(string text, string value)
    {
        var at = text.IndexOf(value, StringComparison.OrdinalIgnoreCase);
        var start = Math.Max(0, at - 80);
        return text.Substring(start, Math.Min(text.Length - start, value.Length + 160)).ReplaceLineEndings(" ");
    }
}
