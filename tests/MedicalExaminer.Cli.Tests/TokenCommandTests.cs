using System.Security.Cryptography;
using MedicalExaminer.Contracts;
using MedicalExaminer.Security;
using Microsoft.IdentityModel.JsonWebTokens;

namespace MedicalExaminer.Cli.Tests;

public sealed class TokenCommandTests : IDisposable
{
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"me-token-test-{Guid.NewGuid():N}");
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    public TokenCommandTests() => File.WriteAllText(_keyFile, _key);

    public void Dispose() => File.Delete(_keyFile);

    [Fact]
    public async Task token_is_accepted_by_the_apis_validation_with_the_role_office_and_user_asked_for()
    {
        var result = await CliRunner.RunAsync(
            ["token", "--role", Roles.MedicalExaminer, "--office", "me-leeds", "--user", "dr.okafor", "--key-file", _keyFile]);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var token = Assert.Single(result.OutputLines);
        var options = new JwtAuthOptions { SigningKeys = [_key] };
        var parameters = options.ToValidationParameters();
        // The CLI's clock is fixed in tests; validate against that instant.
        parameters.LifetimeValidator = (notBefore, expires, _, _) =>
            notBefore <= FixedClock.Instance.GetUtcNow().UtcDateTime && expires > FixedClock.Instance.GetUtcNow().UtcDateTime;
        var validation = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, parameters);

        Assert.True(validation.IsValid, validation.Exception?.Message);
        var user = CurrentUser.From(new System.Security.Claims.ClaimsPrincipal(validation.ClaimsIdentity));
        Assert.Equal(new CurrentUser("dr.okafor", "dr.okafor", Roles.MedicalExaminer, "me-leeds"), user);
    }

    [Fact]
    public async Task token_signed_with_another_key_is_rejected()
    {
        var result = await CliRunner.RunAsync(["token", "--role", Roles.Admin, "--user", "ops", "--key-file", _keyFile]);
        var other = new JwtAuthOptions { SigningKeys = [Convert.ToBase64String(RandomNumberGenerator.GetBytes(48))] }.ToValidationParameters();
        other.ValidateLifetime = false;

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(result.OutputLines.Single(), other);

        Assert.False(validation.IsValid);
    }

    [Fact]
    public async Task a_publisher_token_carries_its_ods_code_and_a_publisher_needs_one()
    {
        var result = await CliRunner.RunAsync(["token", "--role", Roles.Publisher, "--ods", "RR8", "--user", "leeds-epr", "--key-file", _keyFile]);
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var parameters = new JwtAuthOptions { SigningKeys = [_key] }.ToValidationParameters();
        parameters.ValidateLifetime = false;
        var validation = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(result.OutputLines.Single(), parameters);
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var publisher = Gateway.Auth.PublisherIdentity.From(new System.Security.Claims.ClaimsPrincipal(validation.ClaimsIdentity));
        Assert.Equal(new Gateway.Auth.PublisherIdentity("leeds-epr", "RR8"), publisher);

        var without = await CliRunner.RunAsync(["token", "--role", Roles.Publisher, "--user", "leeds-epr", "--key-file", _keyFile]);
        Assert.NotEqual(ExitCodes.Success, without.ExitCode);
        Assert.Contains("--ods", without.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.MedicalExaminer)]
    [InlineData(Roles.MedicalExaminerOfficer)]
    public async Task examiners_and_officers_need_an_office(string role)
    {
        var result = await CliRunner.RunAsync(["token", "--role", role, "--user", "someone", "--key-file", _keyFile]);

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.DoesNotContain("eyJ", result.Output, StringComparison.Ordinal); // no JWT printed
        Assert.Contains("--office", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unknown_role_is_refused()
    {
        var result = await CliRunner.RunAsync(["token", "--role", "superuser", "--user", "someone", "--key-file", _keyFile]);

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.DoesNotContain("eyJ", result.Output, StringComparison.Ordinal); // no JWT printed
    }

    [Fact]
    public async Task a_key_file_that_is_not_a_key_is_refused_without_echoing_it()
    {
        await File.WriteAllTextAsync(_keyFile, "not-a-key", TestContext.Current.CancellationToken);

        var result = await CliRunner.RunAsync(["token", "--role", Roles.Admin, "--user", "ops", "--key-file", _keyFile]);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.DoesNotContain("not-a-key", result.Error, StringComparison.Ordinal);
    }
}
