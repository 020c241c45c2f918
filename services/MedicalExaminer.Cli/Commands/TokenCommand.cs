using System.CommandLine;
using MedicalExaminer.Contracts;
using MedicalExaminer.Security;

namespace MedicalExaminer.Cli.Commands;

/// <summary>
/// <c>me token --role ROLE [--office OFFICE] --user NAME</c>: a development bearer token signed with this
/// machine's development key (the one the dev host trusts), printed alone on stdout so it can be captured:
/// <c>TOKEN=$(me token ...)</c>. Production tokens come from the identity provider, never from here.
/// </summary>
internal static class TokenCommand
{
    private static readonly string[] PersonRoles =
        [Roles.MedicalExaminer, Roles.MedicalExaminerOfficer, Roles.Admin, Roles.Regulator, Roles.Publisher];

    public static Command Create(CliConsole console)
    {
        var role = new Option<string>("--role") { Description = "Role of DOMAIN §8.", Required = true };
        role.AcceptOnlyFromAmong(PersonRoles);
        var office = new Option<string?>("--office") { Description = "ME office id (required for examiners and officers), e.g. me-leeds." };
        var user = new Option<string>("--user") { Description = "User id the token is issued to.", Required = true };
        var ods = new Option<string?>("--ods") { Description = "ODS code a publisher publishes for (required for publishers), e.g. RR8." };
        var name = new Option<string?>("--name") { Description = "Display name (defaults to the user id)." };
        var lifetime = new Option<TimeSpan>("--lifetime")
        {
            Description = "How long the token is valid (hh:mm:ss).",
            DefaultValueFactory = _ => TimeSpan.FromHours(8),
            Validators = { r => { if (r.GetValueOrDefault<TimeSpan>() <= TimeSpan.Zero) { r.AddError("--lifetime must be positive."); } } },
        };
        var keyFile = new Option<FileInfo?>("--key-file") { Description = "Signing key file (base64). Default: the machine's development key, created if missing." };
        var audience = new Option<string>("--audience") { Description = "Audience claim.", DefaultValueFactory = _ => JwtAuthOptions.DefaultAudience };
        var command = new Command("token", "Print a development JWT for calling the APIs (signed with the local development key).")
        {
            role, office, ods, user, name, lifetime, keyFile, audience,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(role) is Roles.MedicalExaminer or Roles.MedicalExaminerOfficer && string.IsNullOrWhiteSpace(result.GetValue(office)))
            {
                result.AddError("--office is required for medical examiners and officers.");
            }

            if (result.GetValue(role) is Roles.Publisher && string.IsNullOrWhiteSpace(result.GetValue(ods)))
            {
                result.AddError("--ods is required for publishers: a publisher publishes for one ODS code only.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var key = LoadKey(parse.GetValue(keyFile));
            if (key is null)
            {
                await console.Error.WriteLineAsync("me token: the key file is not a base64 signing key of at least 32 bytes.");
                return ExitCodes.Failure;
            }

            var userId = parse.GetValue(user)!;
            var person = new CurrentUser(userId, parse.GetValue(name) ?? userId, parse.GetValue(role)!, parse.GetValue(office));
            var token = SigningKey.IssueToken(person, JwtAuthOptions.DevIssuer, parse.GetValue(audience)!, key, parse.GetValue(lifetime), console.Clock,
                parse.GetValue(ods) is { } odsCode ? new Dictionary<string, string> { [MeClaimTypes.OdsCode] = odsCode } : null);
            await console.Out.WriteLineAsync(token.AsMemory(), cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string? LoadKey(FileInfo? file)
    {
        var key = file is null ? SigningKey.LoadOrCreateDevKey() : File.Exists(file.FullName) ? File.ReadAllText(file.FullName).Trim() : null;
        return key is not null && SigningKey.TryDecode(key) is { Length: >= SigningKey.MinimumBytes } ? key : null;
    }
}
