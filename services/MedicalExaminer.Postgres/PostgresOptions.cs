using System.ComponentModel.DataAnnotations;

namespace MedicalExaminer.Postgres;

/// <summary>Connection to this service's database (section <c>Postgres</c>); secrets come from the environment.</summary>
public sealed class PostgresOptions
{
    [Required]
    public string ConnectionString { get; set; } = "";
}
