using MedicalExaminer.Contracts;
using Npgsql;

namespace MedicalExaminer.Metrics.Figures;

/// <summary>The unsuppressed figures of one office (or, with a null office, the nation) in one period.</summary>
public sealed class RawFigures
{
    public Dictionary<string, long> Counts { get; } = ScrutinyMetricNames.Counts.ToDictionary(n => n, _ => 0L, StringComparer.Ordinal);

    public double? MedianHoursDeathToMccd { get; set; }

    public double? P90HoursDeathToMccd { get; set; }

    public long this[string count] => Counts[count];
}

/// <summary>Office key of cases that no office holds (the unrouted queue).</summary>
public static class OfficeKeys
{
    public const string Unrouted = "unrouted";
}

/// <summary>
/// Computes the figures of DOMAIN §7 from the case facts with SQL, per office and nationally, per month
/// and per quarter, in one pass (GROUPING SETS).
/// </summary>
public sealed class FigureStore(NpgsqlDataSource dataSource)
{
    // Hours from death to MCCD: median and 90th percentile by Postgres percentile_cont, i.e. linear
    // interpolation between the two nearest ranks (the same as Excel's PERCENTILE.INC): for n sorted
    // values x1..xn, p is at rank 1 + p(n − 1). Over completed cases only; none → no value.
    // Within the registration target: the MCCD issued no more than 5 days (120 hours) after death.
    private const string FiguresSql = """
        WITH f AS (
            SELECT coalesce(office_id, 'unrouted') AS office_key, death_month,
                   make_date(extract(year FROM death_month)::int, ((extract(month FROM death_month)::int - 1) / 3) * 3 + 1, 1) AS death_quarter,
                   notified, coroner_referral_recommended, referred_to_coroner, coroner_declined, coroner_accepted,
                   scrutiny_completed, mccd_issued_at, date_time_of_death, bereaved_discussion_held, clinical_governance_concern,
                   leder_flag, cdop_flag, urgent_release_decided, urgent_release_met,
                   extract(epoch FROM mccd_issued_at - date_time_of_death)::float8 / 3600 AS hours_to_mccd
            FROM metrics.case_facts c
            WHERE notified AND death_month >= @from AND death_month < @to
        )
        SELECT grouping(office_key) = 1 AS national,
               office_key,
               grouping(death_month) = 0 AS monthly,
               coalesce(death_month, death_quarter) AS period_start,
               count(*) AS deaths_notified,
               count(*) FILTER (WHERE coroner_referral_recommended) AS coroner_referral_recommended,
               count(*) FILTER (WHERE referred_to_coroner) AS referred_to_coroner,
               count(*) FILTER (WHERE referred_to_coroner AND coroner_declined) AS coroner_declined,
               count(*) FILTER (WHERE coroner_accepted) AS coroner_accepted,
               count(*) FILTER (WHERE scrutiny_completed) AS scrutiny_completed,
               count(*) FILTER (WHERE scrutiny_completed AND bereaved_discussion_held) AS bereaved_discussion_held,
               count(*) FILTER (WHERE clinical_governance_concern) AS concerns_raised,
               count(*) FILTER (WHERE leder_flag) AS leder_flags,
               count(*) FILTER (WHERE cdop_flag) AS cdop_flags,
               count(*) FILTER (WHERE scrutiny_completed AND mccd_issued_at - date_time_of_death <= interval '120 hours') AS within_registration_target,
               count(*) FILTER (WHERE urgent_release_decided) AS urgent_release_decided,
               count(*) FILTER (WHERE urgent_release_decided AND urgent_release_met) AS urgent_release_met,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY hours_to_mccd) FILTER (WHERE scrutiny_completed) AS median_hours,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY hours_to_mccd) FILTER (WHERE scrutiny_completed) AS p90_hours
        FROM f
        GROUP BY GROUPING SETS ((office_key, death_month), (office_key, death_quarter), (death_month), (death_quarter))
        """;

    // The breakdown of recommended coroner referrals by reason code: a case counts once under each of its codes.
    private const string ReasonsSql = """
        WITH f AS (
            SELECT coalesce(office_id, 'unrouted') AS office_key, death_month,
                   make_date(extract(year FROM death_month)::int, ((extract(month FROM death_month)::int - 1) / 3) * 3 + 1, 1) AS death_quarter,
                   recommended_reasons
            FROM metrics.case_facts
            WHERE notified AND coroner_referral_recommended AND death_month >= @from AND death_month < @to
        )
        SELECT grouping(office_key) = 1 AS national, office_key, grouping(death_month) = 0 AS monthly,
               coalesce(death_month, death_quarter) AS period_start, reason, count(*) AS cases
        FROM f CROSS JOIN LATERAL unnest(recommended_reasons) AS r(reason)
        GROUP BY GROUPING SETS ((office_key, death_month, reason), (office_key, death_quarter, reason), (death_month, reason), (death_quarter, reason))
        """;

    private static readonly string[] CountColumns =
    [
        ScrutinyMetricNames.DeathsNotified, ScrutinyMetricNames.CoronerReferralRecommended, ScrutinyMetricNames.ReferredToCoroner,
        ScrutinyMetricNames.CoronerDeclined, ScrutinyMetricNames.CoronerAccepted, ScrutinyMetricNames.ScrutinyCompleted,
        ScrutinyMetricNames.BereavedDiscussionHeld, ScrutinyMetricNames.ConcernsRaised, ScrutinyMetricNames.LederFlags,
        ScrutinyMetricNames.CdopFlags, ScrutinyMetricNames.WithinRegistrationTarget, ScrutinyMetricNames.UrgentReleaseDecided,
        ScrutinyMetricNames.UrgentReleaseMet,
    ];

    /// <summary>
    /// Every office's and the national figures for the months and quarters from <paramref name="fromMonth"/>
    /// up to (not including) <paramref name="toMonth"/>; keyed by (office key or null for national, period).
    /// Periods without cases are absent (the caller fills them with zeros).
    /// </summary>
    public async Task<Dictionary<(string? Office, Period Period), RawFigures>> ReadAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var figures = new Dictionary<(string?, Period), RawFigures>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var command = Command(connection, FiguresSql, fromMonth, toMonth))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var cell = Cell(figures, reader);
                for (var i = 0; i < CountColumns.Length; i++)
                {
                    cell.Counts[CountColumns[i]] = reader.GetInt64(4 + i);
                }

                var median = 4 + CountColumns.Length;
                cell.MedianHoursDeathToMccd = reader.IsDBNull(median) ? null : reader.GetDouble(median);
                cell.P90HoursDeathToMccd = reader.IsDBNull(median + 1) ? null : reader.GetDouble(median + 1);
            }
        }

        await using (var command = Command(connection, ReasonsSql, fromMonth, toMonth))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = ScrutinyMetricNames.Reason(reader.GetString(4));
                // A code outside the contract's list cannot be published under a contract name.
                if (Cell(figures, reader).Counts.ContainsKey(name))
                {
                    Cell(figures, reader).Counts[name] = reader.GetInt64(5);
                }
            }
        }

        return figures;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, DateOnly from, DateOnly to)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("from", from));
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("to", to));
        return command;
    }

    private static RawFigures Cell(Dictionary<(string?, Period), RawFigures> figures, NpgsqlDataReader reader)
    {
        var office = reader.GetBoolean(0) ? null : reader.GetString(1);
        var start = reader.GetFieldValue<DateOnly>(3);
        var period = reader.GetBoolean(2) ? Period.Month(start) : Period.Quarter(start);
        if (!figures.TryGetValue((office, period), out var cell))
        {
            cell = new RawFigures();
            figures[(office, period)] = cell;
        }

        return cell;
    }
}
