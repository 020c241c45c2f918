namespace MedicalExaminer.ScrutinyApi;

/// <summary>Settings of the web UI (section <c>WebUi</c>).</summary>
public sealed class WebUiOptions
{
    public const string Section = "WebUi";

    /// <summary>
    /// Development only: the sign-in page lists the demo users and signs in as one without a password.
    /// Production signs in through the organisation's OIDC provider instead.
    /// </summary>
    public bool DemoSignIn { get; set; }
}
