using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Notify;

/// <summary>
/// Signs every attempt with a fresh token (Notify refuses an <c>iat</c> more than 30 s off, and a retry may come
/// later than that). The token's time is the real clock, not the service's TimeProvider: it is about the wire.
/// </summary>
internal sealed class NotifyAuthHandler(IOptions<NotifyOptions> options) : DelegatingHandler
{
    private readonly NotifyApiKey _key = NotifyApiKey.Parse(options.Value.ApiKey);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", NotifyToken.Create(_key, DateTimeOffset.UtcNow));
        return base.SendAsync(request, cancellationToken);
    }
}
