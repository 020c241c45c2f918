using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace MedicalExaminer.Kafka.Embedded;

/// <summary>
/// librdkafka's built-in mock Kafka cluster, for development and tests only: real brokers speaking
/// the Kafka protocol over TCP on 127.0.0.1, with consumer groups, idempotent producers, headers and
/// fault injection. Ordinary Confluent.Kafka clients connect to <see cref="BootstrapServers"/>.
/// It lives as long as this object, inside whichever process hosts it (dev host, test process,
/// <c>me kafka-mock</c>), independently of the workers that connect to it.
/// <para>
/// Retention: each partition keeps at most <see cref="PartitionRetentionBytes"/> of record batches (as produced,
/// so compressed batches hold far more messages) or <see cref="PartitionRetentionBatches"/> batches; beyond that
/// the oldest batches are deleted, consumed or not, exactly like size-based retention on a real broker. The limits
/// are fixed in librdkafka and not configurable through its API. Producers here compress with zstd by default
/// (<c>KafkaClientFactory</c>), which fits about 55,000 death notifications in a partition; a backlog larger
/// than that needs more partitions. A consumer whose position was deleted resets to the oldest message left and
/// reports it (<c>me.kafka.offset_resets</c> and a warning), because those messages are lost to it.
/// </para>
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private const int ProducerType = 0;
    private readonly nint _client;
    private readonly nint _cluster;
    private readonly Lock _gate = new();
    private bool _disposed;

    private MockKafkaCluster(nint client, nint cluster, int brokers)
    {
        _client = client;
        _cluster = cluster;
        BrokerCount = brokers;
        BootstrapServers = Marshal.PtrToStringUTF8(NativeMethods.MockClusterBootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");
    }

    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    /// <summary>The most record-batch bytes a partition keeps (librdkafka's fixed mock limit).</summary>
    public const long PartitionRetentionBytes = 5 * 1024 * 1024;

    /// <summary>The most record batches a partition keeps (librdkafka's fixed mock limit).</summary>
    public const int PartitionRetentionBatches = 100_000;

    public static MockKafkaCluster Start(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        NativeMethods.EnsureLoaded();

        // rd_kafka_mock_cluster_new needs a client handle for its bookkeeping; a bare producer handle that
        // never produces is enough. Explicit creation (rather than test.mock.num.brokers on some client)
        // lets the cluster outlive every client, as the dev host and `me kafka-mock` need.
        var errors = new byte[512];
        var conf = NativeMethods.ConfNew();

        // Errors only: this handle never connects anywhere, so anything below is noise on the host's stderr.
        if (NativeMethods.ConfSet(conf, "log_level", "3", errors, (nuint)errors.Length) != 0)
        {
            NativeMethods.ConfDestroy(conf);
            throw new InvalidOperationException("Could not configure the mock cluster's client handle.");
        }

        var client = NativeMethods.KafkaNew(ProducerType, conf, errors, (nuint)errors.Length);
        if (client == 0)
        {
            NativeMethods.ConfDestroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {System.Text.Encoding.UTF8.GetString(errors).TrimEnd('\0')}");
        }

        var cluster = NativeMethods.MockClusterNew(client, brokers);
        if (cluster == 0)
        {
            NativeMethods.KafkaDestroy(client);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        }

        return new MockKafkaCluster(client, cluster, brokers);
    }

    /// <summary>Creates a topic; the replication factor is capped at the broker count.</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 3)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        Invoke(cluster => NativeMethods.MockTopicCreate(cluster, topic, partitions, Math.Min(replicationFactor, BrokerCount)), $"create topic with {partitions} partitions");
    }

    /// <summary>Takes a broker down: its connections are closed and new ones refused until <see cref="SetBrokerUp"/>.</summary>
    /// <remarks>Broker ids run from 1 to <see cref="BrokerCount"/>; -1 means every broker. Partition leadership does not move.</remarks>
    public void SetBrokerDown(int brokerId) => Invoke(cluster => NativeMethods.MockBrokerSetDown(cluster, brokerId), $"set broker {brokerId} down");

    public void SetBrokerUp(int brokerId) => Invoke(cluster => NativeMethods.MockBrokerSetUp(cluster, brokerId), $"set broker {brokerId} up");

    /// <summary>Delays every response of the broker by <paramref name="rtt"/>.</summary>
    public void SetBrokerRoundTripTime(int brokerId, TimeSpan rtt) =>
        Invoke(cluster => NativeMethods.MockBrokerSetRtt(cluster, brokerId, (int)rtt.TotalMilliseconds), $"set broker {brokerId} round-trip time");

    /// <summary>
    /// The next requests of <paramref name="api"/> (to any broker) fail with these errors, one per request, in
    /// order. <see cref="ErrorCode.Local_Transport"/> makes the broker drop the connection instead.
    /// </summary>
    public void PushRequestErrors(KafkaApiKey api, params ErrorCode[] errors)
    {
        var codes = errors.Select(e => (int)e).ToArray();
        Invoke(cluster => NativeMethods.MockPushRequestErrorsArray(cluster, (short)api, (nuint)codes.Length, codes));
    }

    /// <summary>Forgets request errors pushed for <paramref name="api"/> that have not been consumed yet.</summary>
    public void ClearRequestErrors(KafkaApiKey api) => Invoke(cluster => NativeMethods.MockClearRequestErrors(cluster, (short)api));

    /// <summary>Moves the leadership of a partition (the mock does not elect a new leader when a broker goes down).</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Invoke(cluster => NativeMethods.MockPartitionSetLeader(cluster, topic, partition, brokerId), $"move partition {partition} leader to broker {brokerId}");

    /// <summary>
    /// Deletes the records of a partition before <paramref name="beforeOffset"/>, as retention or the
    /// DeleteRecords admin call would: the partition's start offset becomes <paramref name="beforeOffset"/>.
    /// </summary>
    public void DeleteRecords(string topic, int partition, long beforeOffset) =>
        Invoke(cluster => NativeMethods.MockPartitionDeleteRecords(cluster, topic, partition, beforeOffset), $"delete records of partition {partition} before offset {beforeOffset}");

    /// <summary>
    /// The brokers' <c>group.initial.rebalance.delay.ms</c> (3 s in Kafka and in the mock): how long a new
    /// group's coordinator waits for more members before the first assignment. Tests set it to zero.
    /// </summary>
    public void SetGroupInitialRebalanceDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Invoke(cluster => NativeMethods.MockGroupInitialRebalanceDelay(cluster, (int)delay.TotalMilliseconds));
    }

    /// <summary>The librdkafka file the cluster runs in; Confluent.Kafka clients of this process use the same one.</summary>
    public static string NativeLibraryPath => LibrdkafkaLocator.Path;

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            NativeMethods.MockClusterDestroy(_cluster);
            NativeMethods.KafkaDestroy(_client);
        }
    }

    // Every native call goes through the gate: a call racing Dispose would pass a freed cluster to librdkafka.
    private void Invoke(Action<nint> call)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            call(_cluster);
        }
    }

    private void Invoke(Func<nint, int> call, string what)
    {
        int error;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            error = call(_cluster);
        }

        if (error != 0)
        {
            throw new InvalidOperationException($"Mock cluster could not {what}: {(ErrorCode)error}.");
        }
    }
}
