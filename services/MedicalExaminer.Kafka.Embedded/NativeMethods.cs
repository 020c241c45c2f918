using System.Reflection;
using System.Runtime.InteropServices;

namespace MedicalExaminer.Kafka.Embedded;

/// <summary>
/// P/Invoke into the librdkafka that ships in the librdkafka.redist package (the one Confluent.Kafka uses).
/// The mock cluster API is in the same shared library as the client.
/// </summary>
internal static partial class NativeMethods
{
    private const string Library = "medical-examiner-librdkafka";

    // Confluent.Kafka first tries `librdkafka`; on Debian 12 that file needs libsasl2.so.3, which is
    // absent, so it falls back to `centos8-librdkafka`. We resolve in the same order through the same
    // probing paths so that the mock cluster runs in the very library the clients use.
    private static readonly string[] Candidates = ["librdkafka", "centos8-librdkafka"];
    private static readonly object Gate = new();
    private static nint _handle;

    static NativeMethods() => NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);

    /// <summary>Makes sure the library resolves (and fails with a clear message if it cannot).</summary>
    public static void EnsureLoaded() => Resolve(Library, typeof(NativeMethods).Assembly, null);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return 0;
        }

        lock (Gate)
        {
            if (_handle != 0)
            {
                return _handle;
            }

            var confluent = typeof(Confluent.Kafka.Library).Assembly;
            foreach (var candidate in Candidates)
            {
                if (NativeLibrary.TryLoad(candidate, confluent, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.ApplicationDirectory, out _handle))
                {
                    return _handle;
                }
            }

            throw new DllNotFoundException(
                "librdkafka from the librdkafka.redist package could not be loaded (tried librdkafka, centos8-librdkafka).");
        }
    }

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_new")]
    internal static partial nint ConfNew();

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ConfSet(nint conf, string name, string value, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_destroy")]
    internal static partial void ConfDestroy(nint conf);

    [LibraryImport(Library, EntryPoint = "rd_kafka_new")]
    internal static partial nint KafkaNew(int type, nint conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_destroy")]
    internal static partial void KafkaDestroy(nint rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_new")]
    internal static partial nint MockClusterNew(nint rk, int brokerCount);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    internal static partial void MockClusterDestroy(nint cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    internal static partial nint MockClusterBootstraps(nint cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockTopicCreate(nint cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_down")]
    internal static partial int MockBrokerSetDown(nint cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_up")]
    internal static partial int MockBrokerSetUp(nint cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    internal static partial int MockBrokerSetRtt(nint cluster, int brokerId, int rttMs);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    internal static partial void MockPushRequestErrorsArray(nint cluster, short apiKey, nuint count, int[] errors);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_partition_set_leader", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockPartitionSetLeader(nint cluster, string topic, int partition, int brokerId);
}
