namespace MedicalExaminer.Security;

/// <summary>
/// A demonstration member of staff the development sign-in page offers (invented names; staff, never patients or
/// relatives). Production has none: the development host and tests register them (<c>DemoUserDirectory</c>).
/// </summary>
public sealed record DemoUser(string Id, string Name, string Role, string? OfficeId, string Description);
