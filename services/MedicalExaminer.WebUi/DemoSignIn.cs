using MedicalExaminer.Security;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalExaminer.WebUi;

/// <summary>
/// The development sign-in page (<c>/sign-in</c>, shared by every web UI): whether it is on, which demo users it
/// offers and what it tells them. Production signs in through the organisation's OIDC provider instead.
/// </summary>
public sealed class DemoSignInSettings
{
    public bool Enabled { get; init; }

    /// <summary>The demo users offered, in the order shown.</summary>
    public Func<IEnumerable<DemoUser>, IEnumerable<DemoUser>> Offer { get; init; } = users => users;

    public string Hint { get; init; } = "Development server: choose a demo user. Real deployments sign in through the organisation's identity provider.";

    /// <summary>Every demo user there is (<see cref="DemoUserDirectory"/>; none in production).</summary>
    internal IReadOnlyList<DemoUser> Directory { get; set; } = [];

    public IReadOnlyList<DemoUser> Users => [.. Offer(Directory)];
}

/// <summary>
/// The demo users the sign-in page may offer. Only the development host and tests register it (from the synthetic
/// data), so a production service, which references no demo data, has none to offer even if the page were on.
/// </summary>
public sealed record DemoUserDirectory(IReadOnlyList<DemoUser> Users);

public static class DemoSignInExtensions
{
    /// <summary>Registers the settings of the shared sign-in page.</summary>
    public static IServiceCollection AddDemoSignIn(this IServiceCollection services, Func<IServiceProvider, DemoSignInSettings> settings) =>
        services.AddSingleton(provider =>
        {
            var configured = settings(provider);
            configured.Directory = provider.GetService<DemoUserDirectory>()?.Users ?? [];
            return configured;
        });
}
