using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.FileProviders;

namespace MedicalExaminer.WebUi;

public static class NhsUkFrontendExtensions
{
    /// <summary>The folder, beside the entry assembly, that the build fills with the NHS design system.</summary>
    public static string AssetsFolder => Path.Combine(AppContext.BaseDirectory, "ui-assets");

    /// <summary>
    /// Serves the bundled NHS design system (<c>/nhsuk/…</c>, <c>/assets/…</c>) from the output folder. Every
    /// service with a web UI calls this, so they all serve the same bundle from the same paths.
    /// </summary>
    public static IApplicationBuilder UseNhsUkFrontend(this IApplicationBuilder app)
    {
        if (Directory.Exists(AssetsFolder))
        {
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(AssetsFolder) });
        }

        return app;
    }
}
