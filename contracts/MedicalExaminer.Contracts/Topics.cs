namespace MedicalExaminer.Contracts;

/// <summary>Kafka topic names. Production topics are declared in k8s/ from these names.</summary>
public static class Topics
{
    public const string DeathNotifications = "me.death-notifications.v1";
    public const string DeathNotificationsDeadLetter = "me.death-notifications.dlq.v1";
    public const string CaseEvents = "me.case-events.v1";

    /// <summary>What happened to each bereaved-family notification (family notifier's outbox), keyed by case id.</summary>
    public const string FamilyNotifications = "me.family-notifications.v1";

    /// <summary>Case events the family notifier cannot read (not a case event at all).</summary>
    public const string FamilyNotifierDeadLetter = "me.family-notifier.dlq.v1";

    /// <summary>Case events the metrics projection could not read, with the reason headers of the batch consumer.</summary>
    public const string CaseEventsMetricsDeadLetter = "me.case-events.metrics-dlq.v1";

    /// <summary>Regulator figures per period (disclosure-controlled), published periodically by the metrics service.</summary>
    public const string ScrutinyMetrics = "me.scrutiny-metrics.v1";
}
