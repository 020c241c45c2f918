using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Notify;
using MedicalExaminer.Testing;

namespace MedicalExaminer.FamilyNotifier.Tests;

/// <summary>The local sink speaks Notify's API subset over HTTP: JWT auth, template rendering, errors, references, status progression.</summary>
public sealed class NotifySinkTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    private static readonly Guid CaseReceivedEmail = TemplateCatalog.DefaultTemplateId(FamilyTemplates.CaseReceived, Languages.English, ContactChannels.Email);

    private static Dictionary<string, string> Fields() => new()
    {
        ["informant_name"] = "Alex Relative", ["deceased_name"] = "Pat Example", ["date_of_death"] = "20 November 2026",
    };

    private static HttpRequestMessage Send(string token, object body) => new(HttpMethod.Post, "/v2/notifications/email")
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
        Content = JsonContent.Create(body),
    };

    [Fact]
    public void an_api_key_is_split_from_the_end_and_its_token_carries_the_service_id_and_iat()
    {
        var serviceId = Guid.NewGuid();
        var key = NotifyApiKey.Parse(NotifyApiKey.Generate("my-team-key", serviceId));
        var now = DateTimeOffset.UtcNow;

        var claims = NotifyToken.ReadClaims(NotifyToken.Create(key, now));

        Assert.Equal(("my-team-key", serviceId), (key.Name, key.ServiceId));
        Assert.Equal(serviceId.ToString("D"), claims["iss"]);
        Assert.Equal(now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), claims["iat"]);
        Assert.DoesNotContain(key.Secret, key.ToString(), StringComparison.Ordinal);
        Assert.False(NotifyApiKey.TryParse("not-a-key", out _));
    }

    [Fact]
    public async Task a_token_signed_with_another_key_or_too_old_is_refused()
    {
        var key = NotifyApiKey.Parse(NotifyApiKey.Generate("k"));
        var other = NotifyApiKey.Parse(NotifyApiKey.Generate("k", key.ServiceId));
        var now = DateTimeOffset.UtcNow;

        Assert.True(await NotifyToken.IsValidAsync(NotifyToken.Create(key, now), key, now));
        Assert.False(await NotifyToken.IsValidAsync(NotifyToken.Create(other, now), key, now));
        Assert.False(await NotifyToken.IsValidAsync(NotifyToken.Create(key, now.AddMinutes(-2)), key, now));
    }

    [Fact]
    public async Task the_sink_refuses_a_bad_token_and_a_missing_field_and_honours_a_repeated_reference()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        var key = NotifyApiKey.Parse(bed.ApiKey);
        var token = NotifyToken.Create(key, DateTimeOffset.UtcNow);
        var reference = Guid.NewGuid().ToString();
        var body = new { email_address = "relative@example.org", template_id = CaseReceivedEmail, personalisation = Fields(), reference };

        using var forged = await bed.Sink.SendAsync(Send(NotifyToken.Create(NotifyApiKey.Parse(NotifyApiKey.Generate("x", key.ServiceId)), DateTimeOffset.UtcNow), body));
        using var missing = await bed.Sink.SendAsync(Send(token, new { email_address = "relative@example.org", template_id = CaseReceivedEmail, personalisation = new { informant_name = "A" } }));
        using var first = await bed.Sink.SendAsync(Send(token, body));
        using var again = await bed.Sink.SendAsync(Send(token, body));

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("Missing personalisation: date_of_death, deceased_name", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync(NotifyJsonContext.Default.SendResponse))!.Id;
        Assert.Equal(firstId, (await again.Content.ReadFromJsonAsync(NotifyJsonContext.Default.SendResponse))!.Id);
        var stored = Assert.Single(await bed.SinkMessagesAsync());
        Assert.StartsWith("Dear Alex Relative,", stored.Body, StringComparison.Ordinal);
        Assert.Equal("We have been told about the death of Pat Example", stored.Subject);
    }

    [Fact]
    public async Task status_goes_from_created_to_delivered_and_the_list_finds_a_message_by_reference()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        var key = NotifyApiKey.Parse(bed.ApiKey);
        var reference = Guid.NewGuid().ToString();
        using var sent = await bed.Sink.SendAsync(Send(NotifyToken.Create(key, DateTimeOffset.UtcNow), new { email_address = "relative@example.org", template_id = CaseReceivedEmail, personalisation = Fields(), reference }));
        var id = (await sent.Content.ReadFromJsonAsync(NotifyJsonContext.Default.SendResponse))!.Id;

        async Task<string> StatusAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/notifications/{id}") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", NotifyToken.Create(key, DateTimeOffset.UtcNow)) } };
            using var response = await bed.Sink.SendAsync(request);
            return (await response.Content.ReadFromJsonAsync(NotifyJsonContext.Default.NotificationResponse))!.Status;
        }

        Assert.True(await Testbed.EventuallyAsync(async () => await StatusAsync() == NotifyStatuses.Delivered, TimeSpan.FromSeconds(10)));
        using var list = new HttpRequestMessage(HttpMethod.Get, $"/v2/notifications?reference={reference}") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", NotifyToken.Create(key, DateTimeOffset.UtcNow)) } };
        using var listed = await bed.Sink.SendAsync(list);
        Assert.Equal(id, Assert.Single((await listed.Content.ReadFromJsonAsync(NotifyJsonContext.Default.NotificationListResponse))!.Notifications).Id);
    }

    [Fact]
    public async Task switched_on_faults_answer_429_then_stop_after_their_count()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        var key = NotifyApiKey.Parse(bed.ApiKey);
        await bed.SetFaultsAsync(status: 429, count: 1);
        var body = new { email_address = "relative@example.org", template_id = CaseReceivedEmail, personalisation = Fields() };

        using var limited = await bed.Sink.SendAsync(Send(NotifyToken.Create(key, DateTimeOffset.UtcNow), body));
        using var served = await bed.Sink.SendAsync(Send(NotifyToken.Create(key, DateTimeOffset.UtcNow), body));

        Assert.Equal((HttpStatusCode.TooManyRequests, HttpStatusCode.Created), (limited.StatusCode, served.StatusCode));
        var page = await bed.Sink.GetStringAsync("/");
        Assert.Contains("We have been told about the death of Pat Example", page, StringComparison.Ordinal);
        Assert.DoesNotContain("relative@example.org", page, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret, page, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 19: a test once found its sink empty after its notifier had recorded all five messages delivered. A
    /// testbed's sink used to be addressed by a loopback port, which the kernel hands to the next listener once a sink
    /// stops; its admin API is unauthenticated. It now listens only on a socket path of its own.
    /// </summary>
    [Fact]
    public async Task issue_19_each_testbeds_sink_listens_only_on_its_own_socket_and_sees_only_what_was_sent_to_it()
    {
        await using var first = await Testbed.StartAsync(postgres, kafka);
        await using var second = await Testbed.StartAsync(postgres, kafka);
        var token = NotifyToken.Create(NotifyApiKey.Parse(first.ApiKey), DateTimeOffset.UtcNow);

        using var sent = await first.Sink.SendAsync(Send(token, new { email_address = "relative@example.org", template_id = CaseReceivedEmail, personalisation = Fields() }));

        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.NotEqual(first.SinkSocket, second.SinkSocket);
        Assert.All(first.SinkListeners.Concat(second.SinkListeners), url => Assert.StartsWith("http://unix:", url, StringComparison.Ordinal));
        Assert.Single(await first.SinkMessagesAsync());
        Assert.Empty(await second.SinkMessagesAsync());
    }
}
