using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace MedicalExaminer.Notify;

public static class NotifyServiceCollectionExtensions
{
    /// <summary>
    /// The typed <see cref="NotifyClient"/> with its handler chain, outermost first: a resilience pipeline around each
    /// single HTTP call (circuit breaker → attempt timeout), then the JWT. Nothing is retried at once here, neither a
    /// send nor a read: the family notifier's next, delayed claim is the retry (see
    /// <see cref="NotifyClient.SendOnceAsync"/>), so every try is one recorded attempt.
    /// </summary>
    public static IServiceCollection AddNotifyClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotifyOptions>()
            .Bind(configuration.GetSection(NotifyOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddTransient<NotifyAuthHandler>();

        var client = services.AddHttpClient<NotifyClient>((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<NotifyOptions>>().Value;
            http.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
            // The pipeline's attempt timeout bounds a call; HttpClient's own must not cut it shorter.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        client.AddResilienceHandler("notify", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<NotifyOptions>>().Value;
            pipeline
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = options.CircuitFailureRatio,
                    MinimumThroughput = options.CircuitMinimumThroughput,
                    SamplingDuration = options.CircuitSamplingDuration,
                    BreakDuration = options.CircuitBreakDuration,
                })
                .AddTimeout(options.AttemptTimeout);
        });
        client.AddHttpMessageHandler<NotifyAuthHandler>();
        return services;
    }
}
