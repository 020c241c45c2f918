using Microsoft.Playwright;
using Xunit;

namespace MedicalExaminer.Testing.Browser;

/// <summary>
/// One headless Chromium per test assembly (<c>[assembly: AssemblyFixture(typeof(BrowserFixture))]</c>):
/// Debian's <c>/usr/bin/chromium</c> (installed by scripts/install-prerequisites.sh), driven by Playwright.
/// Each test opens its own context (cookies, storage) and so never sees another's session.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Override with ME_TEST_CHROMIUM (a path) on machines where Chromium lives elsewhere.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("ME_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    // The machine's network is closed: Chromium's background services (sync, component updates, field
    // trials) would otherwise retry connections all the time. The sandbox needs user namespaces, which
    // CI containers running as root do not give.
    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture has not started.");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"Chromium is not at {ExecutablePath}: run scripts/install-prerequisites.sh (Debian package chromium).");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
            Timeout = 60_000,
        });
    }

    /// <summary>A fresh browser context (its own cookies) with a page; dispose the context when done.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync(Uri baseAddress)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 1000 },
            Locale = "en-GB",
            TimezoneId = "Europe/London",
        });
        // Generous for a loaded 2-core CI machine; a page that never appears still fails.
        context.SetDefaultTimeout(30_000);
        return (context, await context.NewPageAsync());
    }

    /// <summary>Saves a full-page screenshot under the test output folder (bin/.../screenshots) and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
