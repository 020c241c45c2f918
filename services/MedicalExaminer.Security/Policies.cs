using MedicalExaminer.Contracts;
using Microsoft.AspNetCore.Authorization;

namespace MedicalExaminer.Security;

/// <summary>Authorization policies of DOMAIN §8. Each also requires claims that make a valid <see cref="CurrentUser"/>.</summary>
public static class Policies
{
    /// <summary>Reads cases: examiners, officers (own office) and admins.</summary>
    public const string CaseReader = "case-reader";

    /// <summary>Works cases: examiners and officers of the case's office.</summary>
    public const string CaseWorker = "case-worker";

    public const string MedicalExaminer = "medical-examiner";
    public const string Admin = "admin";
    public const string Regulator = "regulator";

    /// <summary>Reads scrutiny metrics: regulators (suppressed aggregates) and medical examiners (their own office).</summary>
    public const string MetricsReader = "metrics-reader";

    public static AuthorizationBuilder AddMePolicies(this AuthorizationBuilder authorization) => authorization
        .AddPolicy(CaseReader, p => Require(p, Roles.MedicalExaminer, Roles.MedicalExaminerOfficer, Roles.Admin))
        .AddPolicy(CaseWorker, p => Require(p, Roles.MedicalExaminer, Roles.MedicalExaminerOfficer))
        .AddPolicy(MedicalExaminer, p => Require(p, Roles.MedicalExaminer))
        .AddPolicy(Admin, p => Require(p, Roles.Admin))
        .AddPolicy(Regulator, p => Require(p, Roles.Regulator))
        .AddPolicy(MetricsReader, p => Require(p, Roles.Regulator, Roles.MedicalExaminer));

    private static void Require(AuthorizationPolicyBuilder policy, params string[] roles) => policy
        .RequireAuthenticatedUser()
        .RequireAssertion(context => CurrentUser.From(context.User) is { } user && roles.Contains(user.Role));
}
