using MedicalExaminer.Gateway;
using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MedicalExaminer.Cli.Tests;

/// <summary><c>me publish --via-gateway</c> against the real gateway on loopback, publishing to the mock cluster.</summary>
public sealed class PublishViaGatewayTests(KafkaClusterFixture kafka)
{
    private static readonly string Key = ApiKeys.NewKey();

    private async Task<(WebApplication Gateway, string Topic)> StartGatewayAsync()
    {
        var topic = kafka.CreateTopic("cli-gateway", 3);
        var gateway = GatewayExtensions.BuildGateway([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
                ["Gateway:Topic"] = topic,
                ["Gateway:MllpEnabled"] = "false",
                ["Gateway:ApiKeys:cli:KeySha256"] = ApiKeys.Hash(Key),
                ["Gateway:ApiKeys:cli:OdsCode"] = "RR8",
                ["Auth:Jwt:SigningKeys:0"] = Convert.ToBase64String(new byte[32]),
                ["Logging:LogLevel:Default"] = "Warning",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await gateway.StartAsync();
        return (gateway, topic);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("fhir")]
    [InlineData("hl7v2")]
    public async Task publishes_through_the_gateway_counting_what_was_acknowledged_and_why_the_rest_was_refused(string format)
    {
        var (gateway, topic) = await StartGatewayAsync();
        await using var _ = gateway;

        var result = await CliRunner.RunAsync(
            ["publish", "--via-gateway", gateway.Urls.First(), "--api-key", Key, "--ods", "RR8", "--format", format,
             "--count", "120", "--seed", "9", "--invalid-rate", "0.1", "--duplicate-rate", "0.05", "--concurrency", "8"],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == ExitCodes.Success, $"publish exits 0; stderr: {result.Error}");
        var last = result.OutputLines[^1];
        var match = System.Text.RegularExpressions.Regex.Match(last, @"^published (\d+) notifications through .* as " + format + @" in [\d.]+ s \(\d+/s acknowledged\): (\d+) refused \(.+\), 0 failed; seed 9$");
        Assert.True(match.Success, last);
        var acknowledged = int.Parse(match.Groups[1].Value);
        Assert.Equal(120, acknowledged + int.Parse(match.Groups[2].Value));
        Assert.InRange(acknowledged, 80, 119);
        // What the gateway acknowledged is exactly what reached the topic.
        Assert.Equal(acknowledged, kafka.ReadToEnd(topic, TimeSpan.FromSeconds(30)).Count);
        Assert.Contains("100%", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_wrong_key_refuses_everything_and_says_why()
    {
        var (gateway, topic) = await StartGatewayAsync();
        await using var _ = gateway;

        var result = await CliRunner.RunAsync(
            ["publish", "--via-gateway", gateway.Urls.First(), "--api-key", ApiKeys.NewKey(), "--count", "5", "--invalid-rate", "0", "--duplicate-rate", "0"],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("0 notifications", result.OutputLines[^1], StringComparison.Ordinal);
        Assert.Contains("5 refused (unauthenticated 5)", result.OutputLines[^1], StringComparison.Ordinal);
        Assert.Empty(kafka.ReadToEnd(topic, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task without_an_api_key_it_exits_one_and_says_how_to_give_one()
    {
        var result = await CliRunner.RunAsync(["publish", "--via-gateway", "http://127.0.0.1:9", "--count", "5"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("ME_GATEWAY_API_KEY", result.Error, StringComparison.Ordinal);
    }
}
