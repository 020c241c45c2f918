using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>HL7 v2 over MLLP: ACK after Kafka acknowledged, NAK (AE/AR) with an ERR segment otherwise.</summary>
public sealed class MllpTests(KafkaClusterFixture kafka)
{
    private static Er7Segment Segment(string ack, string id) => Er7Parser.Parse(ack).First(id) ?? throw new InvalidOperationException($"no {id} in the ACK");

    [Fact]
    public async Task valid_messages_on_one_connection_are_each_acknowledged_AA_and_published()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        var notifications = Samples.Valid(seed: 404, count: 5);

        var acks = await gateway.SendMllpAsync(notifications.Select(n => AdtA03Writer.Write(n, GatewayHost.LeedsKey)));

        for (var i = 0; i < notifications.Count; i++)
        {
            var msa = Segment(acks[i], "MSA");
            Assert.Equal(Hl7Acknowledgement.Accepted, msa.Value(1));
            Assert.Equal(notifications[i].NotificationId, msa.Value(2));
            Assert.DoesNotContain(GatewayHost.LeedsKey, acks[i], StringComparison.Ordinal);
        }

        var published = Samples.Published(kafka, gateway.Topic).ToDictionary(m => m.Message.Key);
        Assert.Equal(notifications.Count, published.Count);
        Assert.All(notifications, n => Assert.Equal(Samples.Json(Samples.AsCarried(n)), Samples.Canonical(published[Samples.Key(n)].Message.Value)));
    }

    [Fact]
    public async Task invalid_content_is_AE_unsupported_or_unauthenticated_messages_are_AR_and_nothing_is_published()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        var n = Samples.Valid(seed: 405, count: 1)[0];
        var cases = new (string Message, string Ack, string Code, string Location)[]
        {
            (AdtA03Writer.Write(n with { Deceased = n.Deceased! with { NhsNumber = "9434765918" } }, GatewayHost.LeedsKey), Hl7Acknowledgement.Error, ValidationErrorCodes.InvalidNhsNumber, "deceased.nhsNumber"),
            (AdtA03Writer.Write(n with { DateTimeOfDeath = null }, GatewayHost.LeedsKey).Replace("|Y|", "|N|").Replace("|20\r", "|01\r"), Hl7Acknowledgement.Error, GatewayErrorCodes.NotADeath, "PID-30"),
            (AdtA03Writer.Write(n, GatewayHost.LeedsKey).Replace("ADT^A03^ADT_A03", "ADT^A02^ADT_A02"), Hl7Acknowledgement.Rejected, GatewayErrorCodes.UnsupportedMessageType, "MSH-9"),
            (AdtA03Writer.Write(n, GatewayHost.ManchesterKey), Hl7Acknowledgement.Error, GatewayErrorCodes.OtherOdsCode, "publisherOdsCode"),
            (AdtA03Writer.Write(n, GatewayHost.RevokedKey), Hl7Acknowledgement.Rejected, GatewayErrorCodes.Unauthenticated, "MSH-8"),
            (AdtA03Writer.Write(n), Hl7Acknowledgement.Rejected, GatewayErrorCodes.Unauthenticated, "MSH-8"),
            ("MSH|^~\\&|broken", Hl7Acknowledgement.Rejected, GatewayErrorCodes.Unauthenticated, "MSH-8"),
            ("this is not HL7", Hl7Acknowledgement.Rejected, GatewayErrorCodes.MalformedHl7, "MSH"),
        };

        var acks = await gateway.SendMllpAsync(cases.Select(c => c.Message));

        for (var i = 0; i < cases.Length; i++)
        {
            var ack = Er7Parser.Parse(acks[i]);
            Assert.Equal(cases[i].Ack, ack.First("MSA")!.Value(1));
            Assert.Equal($"{cases[i].Code} at {cases[i].Location}", ack.First("ERR")!.Value(8));
            Assert.DoesNotContain("9434765918", acks[i], StringComparison.Ordinal);
        }

        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task a_resent_message_gets_the_same_notification_id()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        var message = AdtA03Writer.Write(Samples.Valid(seed: 406, count: 1)[0], GatewayHost.LeedsKey);

        var first = Segment(await gateway.SendMllpAsync(message), "MSA");
        var second = Segment(await gateway.SendMllpAsync(message), "MSA");

        Assert.Equal(Hl7Acknowledgement.Accepted, second.Value(1));
        Assert.Equal(first.Value(3), second.Value(3));
        var published = Samples.Published(kafka, gateway.Topic);
        Assert.Equal(2, published.Count);
        Assert.Single(published.Select(m => m.Message.Key).Distinct());
    }
}
