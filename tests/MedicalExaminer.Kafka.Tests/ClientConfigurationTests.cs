using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using ContractHeaders = MedicalExaminer.Contracts.Headers;

namespace MedicalExaminer.Kafka.Tests;

public sealed class ClientConfigurationTests
{
    [Fact]
    public void settings_that_decide_delivery_semantics_cannot_be_overridden_by_configuration()
    {
        var options = new KafkaOptions
        {
            BootstrapServers = "broker:9092",
            Producer = { ["enable.idempotence"] = "false", ["acks"] = "1", ["security.protocol"] = "sasl_ssl" },
            Consumer =
            {
                ["enable.auto.offset.store"] = "true",
                ["enable.auto.commit"] = "false",
                ["auto.offset.reset"] = "latest",
                ["partition.assignment.strategy"] = "range",
                ["security.protocol"] = "sasl_ssl",
            },
        };

        var producer = KafkaClientFactory.ProducerConfig(options);
        var consumer = KafkaClientFactory.ConsumerConfig(options, new BatchConsumerOptions { Topic = "t", GroupId = "g" });

        Assert.True(producer.EnableIdempotence);
        Assert.Equal(Acks.All, producer.Acks);
        Assert.False(consumer.EnableAutoOffsetStore);
        Assert.True(consumer.EnableAutoCommit);
        Assert.Equal(AutoOffsetReset.Earliest, consumer.AutoOffsetReset);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, consumer.PartitionAssignmentStrategy);
        Assert.Equal("g", consumer.GroupId);

        // Everything else passes through, so the same code runs against a secured production cluster.
        Assert.Equal(SecurityProtocol.SaslSsl, producer.SecurityProtocol);
        Assert.Equal(SecurityProtocol.SaslSsl, consumer.SecurityProtocol);
        Assert.Equal("broker:9092", consumer.BootstrapServers);
    }

    [Fact]
    public void trace_context_injected_into_headers_is_extracted_unchanged()
    {
        using var activity = new Activity("publish").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "vendor=value";
        var headers = new Headers();

        TraceContextPropagation.Inject(headers, activity);
        var context = TraceContextPropagation.Extract(headers);

        Assert.Equal(activity.TraceId, context.TraceId);
        Assert.Equal(activity.SpanId, context.SpanId);
        Assert.Equal("vendor=value", context.TraceState);
        Assert.True(context.IsRemote);
        Assert.Single(headers, h => h.Key == ContractHeaders.TraceParent);
    }

    [Fact]
    public void a_message_without_valid_trace_context_extracts_to_no_parent()
    {
        KeyValuePair<string, byte[]>[] garbled = [new(ContractHeaders.TraceParent, Encoding.ASCII.GetBytes("not-a-traceparent"))];

        Assert.Equal(default, TraceContextPropagation.Extract(garbled));
        Assert.Equal(default, TraceContextPropagation.Extract((Headers?)null));
    }
}
