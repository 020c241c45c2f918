using System.Security.Cryptography;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Security.Tests;

/// <summary>
/// Who calls, as the matrix's columns: every role of DOMAIN §8 from the own office (the one the request is about:
/// me-leeds, or ODS code RR8 for a publisher) and from another, nobody, and three kinds of bad token.
/// </summary>
public sealed record Caller(string Name, string? Role, string? Office, string? Ods, BadToken Bad = BadToken.None)
{
    public static readonly Caller ExaminerOwn = new("examiner-own", Roles.MedicalExaminer, WholeSystem.OwnOffice, null);
    public static readonly Caller ExaminerOther = new("examiner-other", Roles.MedicalExaminer, WholeSystem.OtherOffice, null);
    public static readonly Caller OfficerOwn = new("officer-own", Roles.MedicalExaminerOfficer, WholeSystem.OwnOffice, null);
    public static readonly Caller OfficerOther = new("officer-other", Roles.MedicalExaminerOfficer, WholeSystem.OtherOffice, null);
    public static readonly Caller Admin = new("admin", Roles.Admin, null, null);
    public static readonly Caller Regulator = new("regulator", Roles.Regulator, null, null);
    public static readonly Caller PublisherOwn = new("publisher-own", Roles.Publisher, null, WholeSystem.PublisherOds);
    public static readonly Caller PublisherOther = new("publisher-other", Roles.Publisher, null, WholeSystem.OtherPublisherOds);
    public static readonly Caller Anonymous = new("anonymous", null, null, null);

    /// <summary>The columns, in the order of each row's expected statuses. The bad tokens carry a role the row admits.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        ExaminerOwn.Name, ExaminerOther.Name, OfficerOwn.Name, OfficerOther.Name, Admin.Name, Regulator.Name, PublisherOwn.Name,
        PublisherOther.Name, Anonymous.Name, "expired", "wrong-signature", "wrong-audience",
    ];

    public static readonly IReadOnlyList<Caller> Valid = [ExaminerOwn, ExaminerOther, OfficerOwn, OfficerOther, Admin, Regulator, PublisherOwn, PublisherOther];

    private static readonly string ForeignKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    /// <summary>The bearer token this caller presents, or null for nobody.</summary>
    public string? Token() => Role is null
        ? null
        : Bad switch
        {
            BadToken.Expired => WholeSystem.Token(Role, Office, $"{Name}-user", Ods, lifetime: TimeSpan.FromMinutes(-5)),
            BadToken.WrongSignature => WholeSystem.Token(Role, Office, $"{Name}-user", Ods, key: ForeignKey),
            BadToken.WrongAudience => WholeSystem.Token(Role, Office, $"{Name}-user", Ods, audience: "someone-else"),
            _ => WholeSystem.Token(Role, Office, $"{Name}-user", Ods),
        };

    /// <summary>The three bad-token columns, each carrying the role and office of <paramref name="admitted"/>.</summary>
    public static IEnumerable<Caller> BadTokens(Caller admitted) =>
    [
        admitted with { Name = "expired", Bad = BadToken.Expired },
        admitted with { Name = "wrong-signature", Bad = BadToken.WrongSignature },
        admitted with { Name = "wrong-audience", Bad = BadToken.WrongAudience },
    ];
}

public enum BadToken
{
    None,
    Expired,
    WrongSignature,
    WrongAudience,
}
