using Dapper;
using MedicalExaminer.Domain;
using Npgsql;

namespace MedicalExaminer.Casework;

/// <summary>Reads the ME offices and the site ODS codes and postcode districts they cover.</summary>
public sealed class OfficeDirectoryLoader(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        SELECT o.office_id AS OfficeId, o.name AS Name,
               coalesce((SELECT array_agg(s.ods_code ORDER BY s.ods_code) FROM casework.office_sites s WHERE s.office_id = o.office_id), '{}') AS Sites,
               coalesce((SELECT array_agg(d.district ORDER BY d.district) FROM casework.office_postcode_districts d WHERE d.office_id = o.office_id), '{}') AS Districts
        FROM casework.offices o
        ORDER BY o.office_id
        """;

    public async Task<OfficeDirectory> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OfficeRow>(new CommandDefinition(Sql, cancellationToken: cancellationToken));
        return new OfficeDirectory(rows.Select(r => new OfficeCoverage(r.OfficeId, r.Name, r.Sites, r.Districts)));
    }

    // Settable properties: Dapper's constructor matching does not map Postgres arrays onto string[] parameters.
    private sealed class OfficeRow
    {
        public string OfficeId { get; init; } = "";
        public string Name { get; init; } = "";
        public string[] Sites { get; init; } = [];
        public string[] Districts { get; init; } = [];
    }
}
