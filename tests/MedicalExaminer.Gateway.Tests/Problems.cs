using System.Net;
using System.Text.Json;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>Reads an RFC 7807 response: status, content type, our code and the first error's field.</summary>
public static class Problems
{
    public static async Task<(string Code, string? Field, string Body)> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var code = json.RootElement.GetProperty("code").GetString()!;
        string? field = null;
        if (json.RootElement.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0)
        {
            field = errors[0].GetProperty("field").GetString();
        }

        return (code, field, body);
    }

    /// <summary>
    /// Reads a FHIR OperationOutcome: status, content type, and per issue our code (details.coding), the FHIR issue type
    /// and the first expression.
    /// </summary>
    public static async Task<(string Code, string? Expression, string Body)> AssertOperationOutcomeAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("OperationOutcome", json.RootElement.GetProperty("resourceType").GetString());
        var issue = json.RootElement.GetProperty("issue")[0];
        Assert.Equal("error", issue.GetProperty("severity").GetString());
        Assert.False(string.IsNullOrEmpty(issue.GetProperty("code").GetString()), "every issue has a FHIR issue type");
        var coding = issue.GetProperty("details").GetProperty("coding")[0];
        Assert.Equal(Gateway.Formats.Fhir.FhirOperationOutcome.ErrorCodeSystem, coding.GetProperty("system").GetString());
        var expression = issue.TryGetProperty("expression", out var expressions) ? expressions[0].GetString() : null;
        return (coding.GetProperty("code").GetString()!, expression, body);
    }
}
