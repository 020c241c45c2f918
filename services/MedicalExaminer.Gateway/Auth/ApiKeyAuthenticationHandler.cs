using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Gateway.Auth;

/// <summary>
/// Authenticates <c>X-Api-Key</c> against the configured key hashes. The options are read through a monitor,
/// so a key added or revoked in configuration takes effect on reload, without a restart.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyDirectory keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "api-key";
    public const string HeaderName = Formats.NotificationFormats.ApiKeyHeader;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(keys.Find(values[0]!) is { } publisher
            ? AuthenticateResult.Success(new AuthenticationTicket(publisher.ToPrincipal(SchemeName), SchemeName))
            // Unknown and revoked keys are answered alike: which keys exist is no caller's business.
            : AuthenticateResult.Fail("Unknown or revoked API key."));
    }
}

/// <summary>Looks a presented API key up by its hash.</summary>
public sealed class ApiKeyDirectory(IOptionsMonitor<GatewayOptions> options)
{
    /// <returns>The publisher the key belongs to, or null when it is unknown or revoked.</returns>
    public PublisherIdentity? Find(string key)
    {
        var hash = ApiKeys.Hash(key);
        foreach (var (id, publisher) in options.CurrentValue.ApiKeys)
        {
            if (string.Equals(publisher.KeySha256, hash, StringComparison.OrdinalIgnoreCase))
            {
                return publisher.Revoked ? null : new PublisherIdentity(id, publisher.OdsCode);
            }
        }

        return null;
    }
}
