using System.ComponentModel.DataAnnotations;

namespace MedicalExaminer.DevHost;

/// <summary>Settings of the development host (section <c>DevHost</c>).</summary>
public sealed class DevHostOptions
{
    public const string Section = "DevHost";

    /// <summary>Partitions of each topic on the embedded Kafka cluster.</summary>
    [Range(1, 64)]
    public int Partitions { get; set; } = 6;

    /// <summary>Synthetic notifications per second from the demo publisher; 0 turns it off.</summary>
    [Range(0, 10_000)]
    public double DemoNotificationsPerSecond { get; set; } = 5;

    public int DemoSeed { get; set; } = 2024;

    /// <summary>Port of the intake worker's health endpoints.</summary>
    [Range(1, 65535)]
    public int IntakeWorkerPort { get; set; } = 8081;

    /// <summary>Port of the scrutiny API and web UI.</summary>
    [Range(1, 65535)]
    public int ScrutinyApiPort { get; set; } = 8082;

    /// <summary>Port of the metrics service: regulator API, CSV, dashboard, Prometheus scrape endpoint.</summary>
    [Range(1, 65535)]
    public int MetricsPort { get; set; } = 8090;

    /// <summary>Port of the family notifier's health endpoints.</summary>
    [Range(1, 65535)]
    public int FamilyNotifierPort { get; set; } = 8083;

    /// <summary>Port of the local Notify sink (its page lists what the families would have received).</summary>
    [Range(1, 65535)]
    public int NotifySinkPort { get; set; } = 8084;

    /// <summary>How often the metrics service publishes snapshots to the snapshot topic.</summary>
    public TimeSpan MetricsSnapshotInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>HTTP port of the hospital gateway.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 8085;

    /// <summary>MLLP (HL7 v2 over TCP) port of the hospital gateway.</summary>
    [Range(1, 65535)]
    public int GatewayMllpPort { get; set; } = 2575;

    /// <summary>ODS code of the demo publisher whose API key the dev host prints (RR8: a Leeds site, so its cases route to me-leeds).</summary>
    [Required]
    public string DemoPublisherOdsCode { get; set; } = "RR8";
}
