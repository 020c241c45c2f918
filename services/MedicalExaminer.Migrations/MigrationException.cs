namespace MedicalExaminer.Migrations;

/// <summary>The migrations and the database's journal disagree; a person has to decide what to do.</summary>
public sealed class MigrationException : Exception
{
    public MigrationException()
    {
    }

    public MigrationException(string message)
        : base(message)
    {
    }

    public MigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
