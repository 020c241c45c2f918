using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using MedicalExaminer.Notify;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalExaminer.FamilyNotifier.Tests;

/// <summary>
/// <see cref="NotifyClient.SendOnceAsync"/> on its own: the real client and resilience pipeline as
/// <see cref="NotifyServiceCollectionExtensions.AddNotifyClient"/> wires them, in front of a scripted provider that
/// records every request it receives.
/// </summary>
public sealed class NotifyClientTests
{
    private static readonly NotifyMessage Message = new(
        Guid.NewGuid(), "email", Guid.NewGuid(), "someone@example.invalid", new Dictionary<string, string> { ["informant_name"] = "A" });

    [Fact]
    public async Task a_first_attempt_posts_once_without_a_lookup()
    {
        var provider = new ScriptedProvider(post: _ => Created());

        var outcome = await SendOnceAsync(provider, earlierAttemptUncertain: false);

        Assert.Equal(SendResult.Accepted, outcome.Result);
        Assert.Equal(["POST /v2/notifications/email"], provider.Requests);
        Assert.Equal([AttemptOutcomes.Accepted], outcome.Attempts.Select(a => a.Outcome));
        Assert.Equal(ProviderId, outcome.ProviderNotificationId);
    }

    [Fact]
    public async Task after_an_uncertain_attempt_a_message_found_by_reference_is_adopted_and_nothing_is_posted()
    {
        var provider = new ScriptedProvider(lookup: _ => Listed(Message.Reference), post: _ => Created());

        var outcome = await SendOnceAsync(provider, earlierAttemptUncertain: true);

        Assert.Equal(SendResult.Accepted, outcome.Result);
        Assert.Equal([$"GET /v2/notifications?reference={Message.Reference:D}"], provider.Requests);
        Assert.Equal([AttemptOutcomes.FoundByReference], outcome.Attempts.Select(a => a.Outcome));
        Assert.Equal(ProviderId, outcome.ProviderNotificationId);
    }

    [Fact]
    public async Task after_an_uncertain_attempt_a_reference_not_found_is_posted_once()
    {
        var provider = new ScriptedProvider(lookup: _ => Listed(reference: null), post: _ => Created());

        var outcome = await SendOnceAsync(provider, earlierAttemptUncertain: true);

        Assert.Equal(SendResult.Accepted, outcome.Result);
        Assert.Equal([$"GET /v2/notifications?reference={Message.Reference:D}", "POST /v2/notifications/email"], provider.Requests);
        Assert.Equal([AttemptOutcomes.Accepted], outcome.Attempts.Select(a => a.Outcome));
    }

    [Fact]
    public async Task when_the_lookup_keeps_failing_nothing_is_posted_and_the_send_is_transient()
    {
        var provider = new ScriptedProvider(lookup: _ => new HttpResponseMessage(HttpStatusCode.InternalServerError), post: _ => Created());

        var outcome = await SendOnceAsync(provider, earlierAttemptUncertain: true);

        Assert.Equal(SendResult.Transient, outcome.Result);
        Assert.DoesNotContain(provider.Requests, r => r.StartsWith("POST", StringComparison.Ordinal));
        // Nothing is retried at once, a read neither: one lookup, one recorded attempt; the next claim tries again.
        Assert.StartsWith("GET /v2/notifications?reference=", Assert.Single(provider.Requests), StringComparison.Ordinal);
        Assert.Equal([(AttemptOutcomes.ProviderError, (int?)500)], outcome.Attempts.Select(a => (a.Outcome, a.HttpStatus)));
    }

    [Theory]
    [InlineData(500, AttemptOutcomes.ProviderError)]
    [InlineData(503, AttemptOutcomes.ProviderError)]
    [InlineData(429, AttemptOutcomes.RateLimited)]
    public async Task a_post_answered_with_a_transient_error_is_not_repeated_within_the_send(int status, string expected)
    {
        var provider = new ScriptedProvider(post: _ => new HttpResponseMessage((HttpStatusCode)status));

        var outcome = await SendOnceAsync(provider, earlierAttemptUncertain: false);

        Assert.Equal(SendResult.Transient, outcome.Result);
        Assert.Equal(["POST /v2/notifications/email"], provider.Requests);
        Assert.Equal([(expected, (int?)status)], outcome.Attempts.Select(a => (a.Outcome, a.HttpStatus)));
    }

    [Fact]
    public async Task a_post_that_timed_out_is_not_repeated_within_the_send()
    {
        var provider = new ScriptedProvider(post: async token =>
        {
            // Longer than the attempt timeout: the provider may still accept it after the client gave up.
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return Created();
        });

        var outcome = await SendOnceAsync(provider, earlierAttemptUncertain: false);

        Assert.Equal((SendResult.Transient, AttemptOutcomes.Timeout), (outcome.Result, outcome.ErrorCode));
        Assert.Equal(["POST /v2/notifications/email"], provider.Requests);
        Assert.Equal([AttemptOutcomes.Timeout], outcome.Attempts.Select(a => a.Outcome));
    }

    [Fact]
    public async Task a_refused_post_is_permanent_with_the_providers_error_name_as_its_code()
    {
        var provider = new ScriptedProvider(post: _ => new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = JsonContent.Create(
                new ErrorResponse(400, [new ErrorItem("ValidationError", "email_address someone@example.invalid is not valid")]),
                NotifyJsonContext.Default.ErrorResponse),
        });

        var outcome = await SendOnceAsync(provider, earlierAttemptUncertain: false);

        Assert.Equal((SendResult.Permanent, "validation-error", (int?)400), (outcome.Result, outcome.ErrorCode, outcome.HttpStatus));
        Assert.Equal([AttemptOutcomes.Rejected], outcome.Attempts.Select(a => a.Outcome));
        Assert.DoesNotContain("someone@example.invalid", outcome.ErrorCode, StringComparison.Ordinal);
    }

    private static readonly Guid ProviderId = Guid.NewGuid();

    private static async Task<SendOutcome> SendOnceAsync(ScriptedProvider provider, bool earlierAttemptUncertain)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notify:BaseUrl"] = "http://127.0.0.1:9/",
            ["Notify:ApiKey"] = NotifyApiKey.Generate("tests", Guid.NewGuid()),
            ["Notify:AttemptTimeout"] = "00:00:00.300",
        }).Build();
        var services = new ServiceCollection();
        services.AddNotifyClient(configuration);
        services.AddHttpClient<NotifyClient>().ConfigurePrimaryHttpMessageHandler(() => provider);
        await using var container = services.BuildServiceProvider();
        return await container.GetRequiredService<NotifyClient>().SendOnceAsync(Message, earlierAttemptUncertain, TestContext.Current.CancellationToken);
    }

    private static HttpResponseMessage Created() => new(HttpStatusCode.Created)
    {
        Content = JsonContent.Create(
            new SendResponse(ProviderId, Message.Reference.ToString("D"), new SentContent("body"), "http://127.0.0.1:9/v2/notifications/x", new TemplateReference(Message.TemplateId, 1, "http://127.0.0.1:9/t")),
            NotifyJsonContext.Default.SendResponse),
    };

    private static HttpResponseMessage Listed(Guid? reference) => new(HttpStatusCode.OK)
    {
        Content = JsonContent.Create(
            new NotificationListResponse(
                reference is null
                    ? []
                    : [new NotificationResponse(ProviderId, reference.Value.ToString("D"), "email", NotifyStatuses.Created, new TemplateReference(Message.TemplateId, 1, "http://127.0.0.1:9/t"), "body", null, DateTimeOffset.UtcNow, null, null)],
                new NotificationListLinks("http://127.0.0.1:9/v2/notifications", null)),
            NotifyJsonContext.Default.NotificationListResponse),
    };

    /// <summary>Answers lookups (GET by reference) and sends (POST) as scripted; records "METHOD path?query" of every request.</summary>
    private sealed class ScriptedProvider(
        Func<CancellationToken, Task<HttpResponseMessage>> post,
        Func<CancellationToken, HttpResponseMessage>? lookup = null) : HttpMessageHandler
    {
        private readonly ConcurrentQueue<string> _requests = new();

        public ScriptedProvider(Func<CancellationToken, HttpResponseMessage> post, Func<CancellationToken, HttpResponseMessage>? lookup = null)
            : this(token => Task.FromResult(post(token)), lookup)
        {
        }

        public IReadOnlyList<string> Requests => [.. _requests];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _requests.Enqueue($"{request.Method} {request.RequestUri!.PathAndQuery}");
            if (request.Method == HttpMethod.Post)
            {
                return await post(cancellationToken);
            }

            return lookup?.Invoke(cancellationToken) ?? new HttpResponseMessage(HttpStatusCode.NotFound);
        }
    }
}
