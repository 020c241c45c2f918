using System.Net.Sockets;
using System.Text;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Gateway.Mllp;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>
/// Issue 16: an MLLP sender that gets no ACK resends forever, so every well-framed message is answered with an
/// acknowledgement that parses — whatever Unicode its fields hold and whatever character set MSH-18 declares.
/// </summary>
public sealed class MllpAcknowledgementFuzzTests(KafkaClusterFixture kafka)
{
    private static readonly string?[] Charsets = [null, "", "ASCII", "UNICODE UTF-8", "8859/1", "8859/15", "UNICODE UTF-16", "ISO IR100", "ISO IR87", "UTF-8", "unicode utf-8", "??"];

    [Fact]
    public async Task a_thousand_messages_with_random_unicode_in_every_field_and_a_random_msh_18_are_each_answered_with_an_ack_that_parses()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        var random = new Random(16_1000);
        var failures = new List<string>();
        var counts = new Dictionary<string, int>();

        for (var connection = 0; connection < 10; connection++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(gateway.MllpEndPoint);
            var stream = client.GetStream();
            for (var i = 0; i < 100; i++)
            {
                var number = connection * 100 + i;
                var bytes = RandomMessage(random);
                await stream.WriteAsync((byte[])[MllpListener.StartBlock, .. bytes, MllpListener.EndBlock, MllpListener.CarriageReturn]);
                var reply = await Issue16DefectTests.ReadFrameAsync(stream);
                try
                {
                    // The ACK names its own character set in MSH-18; read it the way a sender would.
                    var ack = Er7Parser.Parse(Hl7Text.Decode(reply, null, out _));
                    var msa = ack.First("MSA") ?? throw new InvalidOperationException("no MSA");
                    var code = msa.Value(1) ?? "";
                    if (code is not (Hl7Acknowledgement.Accepted or Hl7Acknowledgement.Error or Hl7Acknowledgement.Rejected))
                    {
                        failures.Add($"message {number}: MSA-1 {code}");
                    }

                    if (code != Hl7Acknowledgement.Accepted && ack.First("ERR") is null)
                    {
                        failures.Add($"message {number}: a NAK without ERR");
                    }

                    counts[code] = counts.GetValueOrDefault(code) + 1;
                }
                catch (Exception ex) when (ex is Formats.NotificationRejectedException or InvalidOperationException)
                {
                    failures.Add($"message {number}: the ACK does not parse ({ex.Message})");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of 1000 not answered with a parseable ACK:\n{string.Join("\n", failures.Take(40))}");
        Assert.Equal(1000, counts.Values.Sum());
    }

    private static byte[] RandomMessage(Random random)
    {
        var charset = Charsets[random.Next(Charsets.Length)];
        string R() => RandomText(random);
        var controlId = R();
        var key = random.Next(2) == 0 ? GatewayHost.LeedsKey : R();
        var text = string.Join('\r',
            $"MSH|^~\\&|{R()}|{R()}|{R()}|{R()}|{R()}|{key}|ADT^A03^ADT_A03|{controlId}|P|{(random.Next(3) == 0 ? R() : "2.4")}|||||{R()}|{charset}",
            $"EVN|A03|{R()}",
            $"PID|1||{R()}^^^NHS^NH~{R()}^^^{R()}^MR||{R()}^{R()}||{R()}|{R()}|||{R()}^^{R()}^^{R()}||||||||||||||||||{R()}|{(random.Next(2) == 0 ? "Y" : R())}",
            $"PV1|1|{R()}|{R()}^{R()}^{R()}^{R()}||||{R()}^{R()}^{R()}||||||||||||||||||||||||||||{R()}|{R()}",
            $"OBX|1|TX|{R()}^{R()}^{R()}||{R()}||||||F",
            $"Z{(char)('A' + random.Next(26))}1|{R()}") + "\r";
        var encoding = (charset ?? "").ToUpperInvariant() switch
        {
            "8859/1" or "ISO IR100" when random.Next(4) > 0 => Encoding.Latin1,
            _ => Encoding.UTF8,
        };
        return encoding.GetBytes(text);
    }

    /// <summary>0–12 random characters: ASCII (delimiters included), Latin-1, any BMP character, astral pairs, now and then a control character; never a framing byte.</summary>
    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        var length = random.Next(13);
        for (var i = 0; i < length; i++)
        {
            switch (random.Next(10))
            {
                case 0 or 1 or 2:
                    builder.Append((char)random.Next(0x20, 0x7F));
                    break;
                case 3:
                    builder.Append((char)random.Next(0xA0, 0x100));
                    break;
                case 4 or 5 or 6:
                    var c = (char)random.Next(0x100, 0xFFFE);
                    builder.Append(char.IsSurrogate(c) ? '∑' : c);
                    break;
                case 7 or 8:
                    builder.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x10FFFF)));
                    break;
                default:
                    var control = (char)random.Next(0, 0x20);
                    builder.Append(control is (char)MllpListener.StartBlock or (char)MllpListener.EndBlock ? ' ' : control);
                    break;
            }
        }

        return builder.ToString();
    }
}
