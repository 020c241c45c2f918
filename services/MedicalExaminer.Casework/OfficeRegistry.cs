using Dapper;
using MedicalExaminer.Domain;
using Npgsql;

namespace MedicalExaminer.Casework;

/// <summary>
/// Upserts ME offices and their coverage. Used by the dev host to load demo offices, by the operator
/// CLI's <c>offices load</c> and by tests.
/// </summary>
public static class OfficeRegistry
{
    private const string UpsertOfficeSql = """
        INSERT INTO casework.offices (office_id, name) VALUES (@OfficeId, @Name)
        ON CONFLICT (office_id) DO UPDATE SET name = excluded.name
        """;

    private const string UpsertSiteSql = """
        INSERT INTO casework.office_sites (ods_code, office_id) VALUES (upper(@Code), @OfficeId)
        ON CONFLICT (ods_code) DO UPDATE SET office_id = excluded.office_id
        """;

    private const string UpsertDistrictSql = """
        INSERT INTO casework.office_postcode_districts (district, office_id) VALUES (upper(@Code), @OfficeId)
        ON CONFLICT (district) DO UPDATE SET office_id = excluded.office_id
        """;

    public static async Task UpsertAsync(NpgsqlDataSource dataSource, IEnumerable<OfficeCoverage> offices, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var office in offices)
        {
            await connection.ExecuteAsync(new CommandDefinition(UpsertOfficeSql, office, transaction, cancellationToken: cancellationToken));
            foreach (var site in office.SiteOdsCodes)
            {
                await connection.ExecuteAsync(new CommandDefinition(UpsertSiteSql, new { Code = site, office.OfficeId }, transaction, cancellationToken: cancellationToken));
            }

            foreach (var district in office.PostcodeDistricts)
            {
                await connection.ExecuteAsync(new CommandDefinition(UpsertDistrictSql, new { Code = district, office.OfficeId }, transaction, cancellationToken: cancellationToken));
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
