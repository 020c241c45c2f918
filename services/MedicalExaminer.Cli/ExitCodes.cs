namespace MedicalExaminer.Cli;

public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command could not do its job: unreadable input, Kafka unreachable, a message not delivered.</summary>
    public const int Failure = 1;

    /// <summary>The command ran and the notification was refused by validation.</summary>
    public const int Refused = 2;
}
