namespace MedicalExaminer.Contracts;

/// <summary>Kafka topic names. Production topics are declared in k8s/ from these names.</summary>
public static class Topics
{
    public const string DeathNotifications = "me.death-notifications.v1";
    public const string DeathNotificationsDeadLetter = "me.death-notifications.dlq.v1";
    public const string CaseEvents = "me.case-events.v1";
}
