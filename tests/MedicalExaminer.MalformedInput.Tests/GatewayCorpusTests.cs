using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Fhir;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Gateway.Mllp;
using MedicalExaminer.Gateway.Tests;
using MedicalExaminer.Testing;

namespace MedicalExaminer.MalformedInput.Tests;

/// <summary>
/// The whole corpus sent to the real gateway: JSON, FHIR and HL7 v2 over HTTP, HL7 v2 and raw framing garbage
/// over MLLP, each between valid notifications. Every bad one is refused with its status and code, none is
/// published, the valid ones are, and no answer, log line or span repeats a value of the input.
/// </summary>
public sealed class GatewayCorpusTests(KafkaClusterFixture kafka)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task every_bad_request_over_http_is_refused_with_its_status_and_code_and_the_valid_ones_around_it_are_published()
    {
        using var output = new CapturedOutput();
        await using var gateway = await GatewayHost.StartAsync(kafka, configure: output.AttachTo);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        var bad = Corpus.All.Where(e => e.Folder is "json" or "fhir" or "hl7").ToList();
        var valid = new Queue<DeathNotification>(Samples.Valid(seed: 1125, count: bad.Count + 1));
        var published = new List<string>();
        var failures = new List<string>();

        async Task SendValidAsync(int i)
        {
            var n = valid.Dequeue();
            var (body, type) = (i % 3) switch
            {
                0 => (Samples.Json(n), NotificationReader.JsonMediaType),
                1 => (FhirNotificationWriter.Write(n), NotificationReader.FhirMediaType),
                _ => (AdtA03Writer.Write(n), NotificationReader.Hl7MediaType),
            };
            HttpResponseMessage response;
            try
            {
                response = await GatewayHost.PostAsync(client, body, type);
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"valid notification {i} ({type}) after {(i > 0 ? bad[i - 1] : null)}: no answer ({ex.HttpRequestError})");
                return;
            }

            using var _ = response;
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                published.Add(Samples.Key(n));
            }
            else
            {
                failures.Add($"valid notification {i} ({type}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        for (var i = 0; i < bad.Count; i++)
        {
            await SendValidAsync(i);
            var entry = bad[i];
            HttpResponseMessage response;
            try
            {
                response = await GatewayHost.PostAsync(client, entry.Bytes(), entry.MediaType);
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"{entry}: no answer ({ex.HttpRequestError})");
                continue;
            }

            using var _ = response;
            var body = await response.Content.ReadAsStringAsync();
            // A FHIR request is answered with an OperationOutcome (issue 16), naming the FHIR element; the rest with problem details.
            var fhir = entry.MediaType == NotificationReader.FhirMediaType;
            var (code, field) = fhir ? OperationOutcomeOf(body) : ProblemOf(body);
            var expectedField = fhir ? FhirExpressionOf(entry.Field) : entry.Field;
            if ((int)response.StatusCode != entry.Status || response.Content.Headers.ContentType?.MediaType != (fhir ? "application/fhir+json" : "application/problem+json")
                || code != entry.Code || (entry.Field is not null && field != expectedField))
            {
                failures.Add($"{entry}: expected {entry.Status} {entry.Code} at {expectedField}, got {(int)response.StatusCode} {code} at {field}");
            }

            var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
            failures.AddRange(Corpus.Leaks(body + headers, entry).Select(leak => $"{entry}: the answer repeats {leak}"));
        }

        await SendValidAsync(bad.Count);
        using (var health = await client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.Equal(published.Order(), Samples.Published(kafka, gateway.Topic).Select(m => m.Message.Key).Order());
        failures.AddRange(output.Repeating(bad.SelectMany(e => e.Secrets).Append(Corpus.Marker)).Select(line => $"logged or traced a value: {line}"));
        failures.AddRange(output.Errors.Select(line => $"error logged: {line}"));
        Assert.True(output.Spans.Count >= bad.Count, "the requests' spans were captured");
        Assert.True(failures.Count == 0, $"{failures.Count} failures of {bad.Count} bad requests:\n{string.Join("\n", failures.Take(60))}");
    }

    [Fact]
    public async Task every_bad_hl7_message_and_broken_frame_over_mllp_is_answered_or_dropped_as_stated_and_the_listener_keeps_serving()
    {
        using var output = new CapturedOutput();
        await using var gateway = await GatewayHost.StartAsync(kafka, configure: output.AttachTo);
        var hl7 = Corpus.In("hl7").ToList();
        var framing = Corpus.In("mllp").ToList();
        var valid = new Queue<DeathNotification>(Samples.Valid(seed: 1126, count: hl7.Count + framing.Count + 1));
        var accepted = 0;
        var failures = new List<string>();

        async Task SendValidAsync()
        {
            var replies = await ExchangeAsync(gateway.MllpEndPoint, Frame(Encoding.UTF8.GetBytes(AdtA03Writer.Write(valid.Dequeue(), GatewayHost.LeedsKey))));
            if (replies is ["AA"])
            {
                accepted++;
            }
            else
            {
                failures.Add($"a valid message was answered {string.Join(", ", replies)}");
            }
        }

        foreach (var entry in hl7)
        {
            await SendValidAsync();
            var raw = await ExchangeRawAsync(gateway.MllpEndPoint, Frame(entry.BytesWithApiKey(GatewayHost.LeedsKey)));
            var expected = entry.Mllp == "drop" ? [] : new[] { entry.Mllp! };
            var replies = raw.Select(Summary).ToList();
            if (!replies.SequenceEqual(expected))
            {
                failures.Add($"{entry}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", replies)}]");
            }

            failures.AddRange(raw.SelectMany(r => Corpus.Leaks(r, entry)).Select(leak => $"{entry}: the acknowledgement repeats {leak}"));
        }

        foreach (var entry in framing)
        {
            await SendValidAsync();
            var raw = await ExchangeRawAsync(gateway.MllpEndPoint, entry.BytesWithApiKey(GatewayHost.LeedsKey));
            var replies = raw.Select(Summary).ToList();
            accepted += replies.Count(r => r == "AA");
            if (!replies.SequenceEqual(entry.Replies!))
            {
                failures.Add($"{entry}: expected [{string.Join(", ", entry.Replies!)}], got [{string.Join(", ", replies)}]");
            }

            failures.AddRange(raw.SelectMany(r => Corpus.Leaks(r, entry)).Select(leak => $"{entry}: the acknowledgement repeats {leak}"));
        }

        await SendValidAsync();
        Assert.Equal(accepted, Samples.Published(kafka, gateway.Topic).Count);
        failures.AddRange(output.Repeating(hl7.Concat(framing).SelectMany(e => e.Secrets).Append(Corpus.Marker)).Select(line => $"logged or traced a value: {line}"));
        failures.AddRange(output.Errors.Select(line => $"error logged: {line}"));
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join("\n", failures.Take(60))}");
    }

    /// <summary>
    /// The element an OperationOutcome should name for a manifest field: the FHIR element a notification field is read
    /// from (docs/gateway.md), the FHIR reader's own path as it is (a missing resource in FHIRPath's ofType), and none for
    /// the body as a whole or the root's resourceType.
    /// </summary>
    private static string? FhirExpressionOf(string? field) => field switch
    {
        null or "$" or "resourceType" => null,
        "deceased.nhsNumber" => "Patient.identifier",
        "deceased.dateOfBirth" => "Patient.birthDate",
        "deceased.givenName" => "Patient.name.given",
        "dateTimeOfDeath" => "Patient.deceased",
        "placeOfDeath" => "Location.type",
        "publisherOdsCode" => "Encounter.serviceProvider.identifier",
        _ => field.Replace("Bundle.entry.resource(Patient)", "Bundle.entry.resource.ofType(Patient)", StringComparison.Ordinal),
    };

    private static (string? Code, string? Expression) OperationOutcomeOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.GetProperty("resourceType").GetString() != "OperationOutcome")
            {
                return (null, null);
            }

            var issue = json.RootElement.GetProperty("issue")[0];
            var code = issue.GetProperty("details").GetProperty("coding")[0].GetProperty("code").GetString();
            return (code, issue.TryGetProperty("expression", out var expression) ? expression[0].GetString() : null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, null);
        }
    }

    private static (string? Code, string? Field) ProblemOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var code = json.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            var field = json.RootElement.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0 ? errors[0].GetProperty("field").GetString() : null;
            return (code, field);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static byte[] Frame(byte[] message) => [MllpListener.StartBlock, .. message, MllpListener.EndBlock, MllpListener.CarriageReturn];

    private static async Task<IReadOnlyList<string>> ExchangeAsync(IPEndPoint endPoint, byte[] bytes) =>
        (await ExchangeRawAsync(endPoint, bytes)).Select(Summary).ToList();

    /// <summary>
    /// Sends <paramref name="bytes"/> on a new connection, closes the sending side, and returns every acknowledgement
    /// until the listener closes the connection. The listener may close it while we still send (a frame over its
    /// limit): then whatever came back before is the answer.
    /// </summary>
    private static async Task<IReadOnlyList<string>> ExchangeRawAsync(IPEndPoint endPoint, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endPoint);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(ReadTimeout);
        try
        {
            await stream.WriteAsync(bytes, timeout.Token);
            client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // Dropped by the listener mid-send.
        }

        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // Reset after a drop: what arrived before is all there is.
        }

        return Encoding.UTF8.GetString(received.ToArray())
            .Split((char)MllpListener.EndBlock)
            .Select(f => f.TrimStart((char)MllpListener.StartBlock).TrimStart('\r'))
            .Where(f => f.Length > 0)
            .ToList();
    }

    /// <summary>"AA", or "AE|AR code field" from MSA-1 and ERR-8 ("code at field").</summary>
    private static string Summary(string acknowledgement)
    {
        var segments = acknowledgement.Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split('|')).ToList();
        var ack = segments.FirstOrDefault(s => s[0] == "MSA") is { Length: > 1 } msa ? msa[1] : "?";
        if (segments.FirstOrDefault(s => s[0] == "ERR") is not { Length: > 8 } err)
        {
            return ack;
        }

        var at = err[8].IndexOf(" at ", StringComparison.Ordinal);
        return at < 0 ? $"{ack} {err[8]}" : $"{ack} {err[8][..at]} {err[8][(at + 4)..]}";
    }
}
