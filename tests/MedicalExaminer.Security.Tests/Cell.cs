using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dapper;

namespace MedicalExaminer.Security.Tests;

/// <summary>A case handed to one cell: its id and the version a caller would have read.</summary>
public sealed record CaseRef(Guid Id, int Version);

/// <summary>
/// Cases for the cells, from the seeded casework in a fixed order. A cell gets the case the previous cell of its queue
/// got, as long as that is still unclaimed in the queue, with its current version; once a cell has claimed or routed
/// it, the next cell gets the next case (so one cell's change cannot change another's answer).
/// </summary>
public sealed class CaseSupply(Npgsql.NpgsqlDataSource dataSource)
{
    private readonly Dictionary<(string? Office, string Queue), Queue<Guid>> _unused = [];
    private readonly Dictionary<(string? Office, string Queue), Guid> _current = [];

    public async Task<CaseRef> TakeAsync(string queue, string? office)
    {
        const string Candidates = """
            SELECT case_id FROM casework.cases
            WHERE office_id IS NOT DISTINCT FROM @office AND queue = @queue AND assigned_examiner IS NULL AND assigned_officer IS NULL
            ORDER BY case_id
            """;
        const string StillThere = """
            SELECT case_id AS Id, version AS Version FROM casework.cases
            WHERE case_id = @id AND office_id IS NOT DISTINCT FROM @office AND queue = @queue AND assigned_examiner IS NULL AND assigned_officer IS NULL
            """;
        var key = (office, queue);
        await using var connection = await dataSource.OpenConnectionAsync();
        if (!_unused.TryGetValue(key, out var unused))
        {
            unused = new Queue<Guid>(await connection.QueryAsync<Guid>(Candidates, new { office, queue }));
            _unused[key] = unused;
        }

        while (true)
        {
            if (_current.TryGetValue(key, out var id)
                && await connection.QuerySingleOrDefaultAsync<CaseRef>(StillThere, new { id, office, queue }) is { } found)
            {
                return found;
            }

            _current[key] = unused.TryDequeue(out var next)
                ? next
                : throw new InvalidOperationException($"The seeded casework has too few unclaimed cases in {office ?? "(none)"}/{queue}; seed more.");
        }
    }
}

/// <summary>One cell of the matrix: a caller and the means to send the row's request as them.</summary>
/// <param name="newClient">A client of the named service presenting the caller's token (or none).</param>
public sealed partial class Cell(Func<string, string?, HttpClient> newClient, Caller caller, CaseSupply cases) : IDisposable
{
    private readonly Dictionary<string, HttpClient> _clients = [];

    public Caller Caller => caller;

    public HttpClient Client(string service)
    {
        if (!_clients.TryGetValue(service, out var client))
        {
            client = newClient(service, caller.Token());
            _clients[service] = client;
        }

        return client;
    }

    public Task<CaseRef> CaseAsync(string queue, string? office = WholeSystem.OwnOffice) => cases.TakeAsync(queue, office);

    public Task<HttpResponseMessage> GetAsync(string service, string path) => Client(service).GetAsync(path);

    public Task<HttpResponseMessage> DeleteAsync(string service, string path) => Client(service).DeleteAsync(path);

    public Task<HttpResponseMessage> PostJsonAsync(string service, string path, object body) => Client(service).PostAsJsonAsync(path, body);

    public Task<HttpResponseMessage> PostAsync(string service, string path, HttpContent? content = null) => Client(service).PostAsync(path, content);

    /// <summary>
    /// Posts a page's form as a browser would, with the caller's antiforgery token from <paramref name="formPage"/> or,
    /// when that page refuses them, from the home page (a token is the user's, not the page's). A caller no page admits
    /// gets none, and the post is refused before the token would matter.
    /// </summary>
    public async Task<HttpResponseMessage> PostFormAsync(string service, string formPage, string action, IDictionary<string, string> fields)
    {
        var client = Client(service);
        var form = new Dictionary<string, string>(fields);
        foreach (var page in new[] { formPage, "/" })
        {
            using var response = await client.GetAsync(page);
            if (response.IsSuccessStatusCode && AntiforgeryField().Match(await response.Content.ReadAsStringAsync()) is { Success: true } token)
            {
                form["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token.Groups[1].Value);
                break;
            }
        }

        return await client.PostAsync(action, new FormUrlEncodedContent(form));
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
