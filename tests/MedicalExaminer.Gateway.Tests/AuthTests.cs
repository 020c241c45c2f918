using System.Net;
using System.Net.Http.Headers;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>Publisher authentication (API key or bearer token, each bound to an ODS code) and the per-publisher rate limit.</summary>
public sealed class AuthTests(KafkaClusterFixture kafka)
{
    private static readonly DeathNotification Leeds = Samples.Valid(seed: 303, count: 1)[0];

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, DeathNotification n) =>
        GatewayHost.PostAsync(client, Samples.Json(n), NotificationReader.JsonMediaType);

    [Fact]
    public async Task a_request_without_credentials_is_401_and_publishes_nothing()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client();
        using var response = await PostAsync(client, Leeds);
        var (code, _, _) = await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(GatewayErrorCodes.Unauthenticated, code);
        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task an_unknown_key_is_401()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(ApiKeys.NewKey());
        using var response = await PostAsync(client, Leeds);
        await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task a_revoked_key_is_401_although_its_hash_is_still_configured()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.RevokedKey);
        using var response = await PostAsync(client, Leeds);
        await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task a_key_of_another_ods_code_is_403_and_publishes_nothing()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.ManchesterKey);
        using var response = await PostAsync(client, Leeds);
        var (code, field, _) = await Problems.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(GatewayErrorCodes.OtherOdsCode, code);
        Assert.Equal("publisherOdsCode", field);
        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task a_publisher_token_publishes_for_its_own_ods_code_only()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.PublisherToken(GatewayHost.LeedsOds));
        using (var own = await PostAsync(client, Leeds))
        {
            Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.PublisherToken(GatewayHost.ManchesterOds));
        using (var other = await PostAsync(client, Samples.Valid(seed: 304, count: 1)[0]))
        {
            await Problems.AssertProblemAsync(other, HttpStatusCode.Forbidden);
        }

        Assert.Single(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task a_token_of_another_role_is_403_and_a_forged_token_is_401()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.PublisherToken(GatewayHost.LeedsOds, Roles.MedicalExaminer));
        using (var examiner = await PostAsync(client, Leeds))
        {
            await Problems.AssertProblemAsync(examiner, HttpStatusCode.Forbidden);
        }

        var token = GatewayHost.PublisherToken(GatewayHost.LeedsOds);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA"));
        using (var forged = await PostAsync(client, Leeds))
        {
            await Problems.AssertProblemAsync(forged, HttpStatusCode.Unauthorized);
        }

        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task a_publisher_over_its_rate_gets_429_with_retry_after_while_another_publisher_is_unaffected()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka, settings: new Dictionary<string, string?>
        {
            ["Gateway:RateLimit:PermitsPerSecond"] = "1",
            ["Gateway:RateLimit:Burst"] = "3",
        });
        using var leeds = gateway.Client(GatewayHost.LeedsKey);
        var notifications = Samples.Valid(seed: 305, count: 10);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        foreach (var n in notifications)
        {
            var response = await PostAsync(leeds, n);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited ??= response;
            }
        }

        // A burst of 3 and one more per second: ten at once cannot all pass, however slow the machine.
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "429 carries Retry-After in seconds");
        var (code, _, _) = await Problems.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Equal(GatewayErrorCodes.RateLimited, code);

        using var manchester = gateway.Client(GatewayHost.ManchesterKey);
        using (var other = await PostAsync(manchester, Samples.Valid(seed: 306, count: 1, GatewayHost.ManchesterOds)[0]))
        {
            Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        }

        Assert.Equal(statuses.Count(s => s == HttpStatusCode.Accepted) + 1, Samples.Published(kafka, gateway.Topic).Count);
    }
}
