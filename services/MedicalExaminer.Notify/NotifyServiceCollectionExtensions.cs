using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace MedicalExaminer.Notify;

public static class NotifyServiceCollectionExtensions
{
    /// <summary>
    /// The typed <see cref="NotifyClient"/> with its handler chain, outermost first: the standard resilience pipeline
    /// (total timeout → jittered exponential retry of 5xx/408/429/timeouts/network errors → circuit breaker → attempt
    /// timeout), then <see cref="NotifyAttemptHandler"/> (per attempt: recording, reference check), then the JWT.
    /// </summary>
    public static IServiceCollection AddNotifyClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotifyOptions>()
            .Bind(configuration.GetSection(NotifyOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddTransient<NotifyAttemptHandler>();
        services.AddTransient<NotifyAuthHandler>();

        var client = services.AddHttpClient<NotifyClient>((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<NotifyOptions>>().Value;
            http.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
            // The pipeline's total timeout bounds a send; HttpClient's own must not cut it shorter.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        client.AddStandardResilienceHandler().Configure((HttpStandardResilienceOptions resilience, IServiceProvider provider) =>
        {
            var options = provider.GetRequiredService<IOptions<NotifyOptions>>().Value;
            resilience.TotalRequestTimeout.Timeout = options.TotalTimeout;
            resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
            resilience.Retry.MaxRetryAttempts = options.MaxRetryAttempts;
            resilience.Retry.Delay = options.RetryBaseDelay;
            resilience.Retry.BackoffType = DelayBackoffType.Exponential;
            resilience.Retry.UseJitter = true;

            // A send whose attempt timed out may still be in flight at the provider, where a reference lookup cannot see
            // it yet: sending again at once could deliver it twice (the fault matrix saw it). Such a send is left to the
            // notifier's next, delayed claim, which looks the reference up before anything else. Status reads and
            // lookups (GET) are still retried at once.
            var transient = resilience.Retry.ShouldHandle;
            resilience.Retry.ShouldHandle = args =>
                args.Outcome.Exception is TimeoutRejectedException && args.Context.GetRequestMessage()?.Method == HttpMethod.Post
                    ? ValueTask.FromResult(false)
                    : transient(args);
            resilience.CircuitBreaker.FailureRatio = options.CircuitFailureRatio;
            resilience.CircuitBreaker.MinimumThroughput = options.CircuitMinimumThroughput;
            resilience.CircuitBreaker.SamplingDuration = options.CircuitSamplingDuration;
            resilience.CircuitBreaker.BreakDuration = options.CircuitBreakDuration;
        });
        client.AddHttpMessageHandler<NotifyAttemptHandler>();
        client.AddHttpMessageHandler<NotifyAuthHandler>();
        return services;
    }
}
