using MedicalExaminer.Testing;
using Microsoft.AspNetCore.Routing;

namespace MedicalExaminer.Security.Tests;

/// <summary>The whole system's authorization matrix (<see cref="AuthorizationMatrix"/>), against the real services.</summary>
public sealed class AuthorizationMatrixTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    [Fact]
    public async Task every_endpoint_of_every_service_answers_every_caller_as_the_matrix_says_and_no_endpoint_is_missing_from_it()
    {
        await using var system = await WholeSystem.StartAsync(postgres, kafka, new WholeSystem.Options(Cases: 800));
        var failures = new List<string>();

        // A new endpoint without a row fails here, before any request: the matrix is the list of what is exposed.
        var mapped = system.Services.SelectMany(s => s.Endpoints.Select(e => Key(s.Name, e))).ToHashSet(StringComparer.Ordinal);
        var covered = AuthorizationMatrix.Rows.Select(r => r.Endpoint).ToHashSet(StringComparer.Ordinal);
        failures.AddRange(mapped.Except(covered).Order(StringComparer.Ordinal).Select(e => $"{e}: mapped but has no row in the authorization matrix"));
        failures.AddRange(covered.Except(mapped).Order(StringComparer.Ordinal).Select(e => $"{e}: has a row but no service maps it"));

        var cases = new CaseSupply(system.Casework.DataSource);
        var cells = 0;
        foreach (var row in AuthorizationMatrix.Rows)
        {
            Assert.True(row.Statuses.Count == Caller.Columns.Count, $"{row} has {row.Statuses.Count} statuses for {Caller.Columns.Count} columns");
            var admitted = Caller.Valid.Select((c, i) => (c, i)).FirstOrDefault(x => row.Statuses[x.i] is >= 200 and < 400).c ?? Caller.ExaminerOwn;
            var callers = Caller.Valid.Append(Caller.Anonymous).Concat(Caller.BadTokens(admitted)).ToList();
            for (var i = 0; i < callers.Count; i++)
            {
                using var cell = new Cell(system.Client, callers[i], cases);
                using var response = await row.Send(cell);
                cells++;
                if ((int)response.StatusCode != row.Statuses[i])
                {
                    failures.Add($"{row} as {Caller.Columns[i]}: expected {row.Statuses[i]}, got {(int)response.StatusCode}");
                }
            }
        }

        TestContext.Current.SendDiagnosticMessage($"authorization matrix: {mapped.Count} endpoints, {AuthorizationMatrix.Rows.Count} rows, {cells} cells");
        Assert.True(failures.Count == 0, $"every cell of the authorization matrix holds ({failures.Count} do not):\n" + string.Join("\n", failures));
    }

    /// <summary>"service METHOD /route": a Razor page takes any method (*), so does a health check.</summary>
    private static string Key(string service, RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
        var route = endpoint.RoutePattern.RawText ?? "";
        return $"{service} {(methods is null ? "*" : string.Join(",", methods))} {(route.StartsWith('/') ? route : "/" + route)}";
    }
}
