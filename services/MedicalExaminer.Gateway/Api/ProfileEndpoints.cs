using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Profiles;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalExaminer.Gateway.Api;

/// <summary>What a publisher's profile says, as the gateway applies it, for the publisher to check.</summary>
public sealed record PublisherProfileView(
    string OdsCode,
    bool Configured,
    IReadOnlyDictionary<string, string> Locations,
    string? DefaultSiteOdsCode,
    IReadOnlyList<string> SiteFields,
    string SourceSystemField,
    string NotificationIdField,
    IReadOnlyList<string> DeathCodes,
    string DefaultPlaceOfDeath,
    string? DefaultLanguage,
    bool NhsNumbersVerified,
    bool NemsDeathNotifications);

/// <summary><c>GET /api/profiles/{ods}</c>: a publisher reads its own profile (403 for another's); unconfigured ones read the defaults.</summary>
public static class ProfileEndpoints
{
    public static IEndpointRouteBuilder MapProfileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/profiles/{ods}", Get)
            .RequireAuthorization(NotificationEndpoints.PublisherPolicy)
            .WithTags("Notifications")
            .WithSummary("The publisher profile the gateway applies to this ODS code's messages.")
            .Produces<PublisherProfileView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static Results<Ok<PublisherProfileView>, ProblemHttpResult> Get(string ods, HttpContext context, PublisherProfiles profiles)
    {
        var identity = PublisherIdentity.From(context.User) ?? throw new InvalidOperationException("Endpoint reached without a publisher.");
        if (!string.Equals(ods, identity.OdsCode, StringComparison.OrdinalIgnoreCase))
        {
            return NotificationEndpoints.Problem(StatusCodes.Status403Forbidden, Formats.GatewayErrorCodes.OtherOdsCode, "A publisher may read only its own profile.", []);
        }

        var profile = profiles.Find(identity.OdsCode);
        var p = profile ?? PublisherProfile.Default;
        return TypedResults.Ok(new PublisherProfileView(
            identity.OdsCode,
            profile is not null,
            p.Locations,
            p.DefaultSiteOdsCode,
            p.SiteFields.Count > 0 ? p.SiteFields : ["PV1-3.4", "PV1-3.1", "PV1-3.7", "PV1-3.9", "MSH-4"],
            p.SourceSystemField ?? "MSH-3",
            p.NotificationIdField ?? "PV1-19, else MSH-10",
            ["PID-30=Y", "PID-29 present", "PV1-36=20|40|41|42|4|79", "PV1-37=79", "PDA present", .. p.DeathCodes],
            p.DefaultPlaceOfDeath ?? "other",
            p.DefaultLanguage,
            p.NhsNumbersVerified,
            p.NemsDeathNotifications));
    }
}
