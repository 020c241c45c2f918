using MedicalExaminer.SyntheticData;
using MedicalExaminer.WebUi;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using MedicalExaminer.ScrutinyApi;
using MedicalExaminer.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Xunit;

namespace MedicalExaminer.Testing.Casework;

/// <summary>The real scrutiny API on 127.0.0.1 over a <see cref="CaseworkWorld"/>'s database, with a test signing key.</summary>
public sealed class ApiHost : IAsyncDisposable
{
    public static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="configure">Runs last on the builder, e.g. to add settings or capture telemetry.</param>
    public static async Task<ApiHost> StartAsync(CaseworkWorld world, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var app = ScrutinyApiExtensions.BuildScrutinyApi([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Postgres:ConnectionString"] = world.ConnectionString,
                ["Auth:Jwt:SigningKeys:0"] = Key,
                ["Outbox:Enabled"] = "false",
                ["FamilyNotifications:Enabled"] = "false",
                ["WebUi:DemoSignIn"] = "true",
                ["Logging:LogLevel:Default"] = "Warning",
            });
            builder.Services.AddSingleton(new DemoUserDirectory(DemoUsers.All));
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            configure?.Invoke(builder);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiHost(app, new Uri(address));
    }

    public static string Token(string role, string? office, string user = "tester", TimeSpan? lifetime = null, string? key = null, string audience = JwtAuthOptions.DefaultAudience) =>
        SigningKey.IssueToken(new CurrentUser(user, "Test User", role, office), JwtAuthOptions.DevIssuer, audience, key ?? Key, lifetime ?? TimeSpan.FromMinutes(10));

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
