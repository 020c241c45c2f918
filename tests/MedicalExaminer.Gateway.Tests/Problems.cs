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
}
