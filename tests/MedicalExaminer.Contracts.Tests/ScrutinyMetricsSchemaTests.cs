using System.Text.Json;
using NJsonSchema;
using static MedicalExaminer.Contracts.Tests.SchemaRecordAgreementTests;

namespace MedicalExaminer.Contracts.Tests;

/// <summary>The scrutiny-metrics snapshot: its schema, its records and its code lists agree, and what the records write is valid.</summary>
public sealed class ScrutinyMetricsSchemaTests
{
    private static async Task<IEnumerable<(Type Record, JsonSchema Schema)>> Pairs()
    {
        var snapshot = await Schemas.ScrutinyMetricsV1;
        var row = Property(snapshot, "rows").Item!.ActualSchema;
        var figure = Property(row, "figures").Properties[ScrutinyMetricNames.DeathsNotified].ActualSchema;
        return [(typeof(ScrutinyMetricsSnapshot), snapshot), (typeof(ScrutinyMetricsRow), row), (typeof(MetricFigure), figure)];
    }

    [Fact]
    public async Task every_record_property_is_in_the_schema_and_required_exactly_when_the_record_cannot_omit_it()
    {
        foreach (var (record, schema) in await Pairs())
        {
            Assert.True(JsonPropertiesOf(record).SetEquals(SchemaPropertiesOf(schema)),
                $"{record.Name}: record has [{string.Join(", ", JsonPropertiesOf(record))}], schema has [{string.Join(", ", SchemaPropertiesOf(schema))}]");
            Assert.False(schema.ActualSchema.AllowAdditionalProperties, $"{record.Name} schema should set additionalProperties false");

            Assert.Equal(NonNullablePropertiesOf(record), schema.ActualSchema.RequiredProperties.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task the_figures_object_lists_every_metric_name_and_requires_them_all()
    {
        var snapshot = await Schemas.ScrutinyMetricsV1;
        var figures = Property(Property(snapshot, "rows").Item!.ActualSchema, "figures");

        Assert.Equal(ScrutinyMetricNames.All.Order(StringComparer.Ordinal), figures.Properties.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ScrutinyMetricNames.All.Order(StringComparer.Ordinal), figures.RequiredProperties.Order(StringComparer.Ordinal));
        Assert.False(figures.AllowAdditionalProperties);
    }

    [Fact]
    public async Task the_schema_enums_are_the_contract_code_lists()
    {
        var snapshot = await Schemas.ScrutinyMetricsV1;

        Assert.Equal(PeriodGranularities.All, Property(snapshot, "granularity").Enumeration.Select(v => (string)v!));
        Assert.Equal(MetricScopes.All, Property(Property(snapshot, "rows").Item!.ActualSchema, "scope").Enumeration.Select(v => (string)v!));
    }

    private static ScrutinyMetricsSnapshot Sample(Func<string, MetricFigure> figure) => new()
    {
        SnapshotId = Guid.NewGuid(),
        GeneratedAt = new DateTimeOffset(2026, 4, 2, 6, 0, 0, TimeSpan.FromHours(1)),
        Granularity = PeriodGranularities.Quarter,
        Period = "2026-Q1",
        Rows =
        [
            new ScrutinyMetricsRow(MetricScopes.Office, "me-leeds", "North East and Yorkshire", ScrutinyMetricNames.All.ToDictionary(n => n, figure)),
            new ScrutinyMetricsRow(MetricScopes.National, null, null, ScrutinyMetricNames.All.ToDictionary(n => n, figure)),
        ],
    };

    public static TheoryData<string> FigureKinds => ["value", "suppressed", "not-applicable"];

    [Theory]
    [MemberData(nameof(FigureKinds))]
    public async Task a_snapshot_the_records_write_is_valid(string kind)
    {
        var snapshot = Sample(name => kind switch
        {
            "value" => new MetricFigure(ScrutinyMetricNames.Counts.Contains(name) ? 42m : 42.5m, null),
            "suppressed" => MetricFigure.Hidden,
            _ => MetricFigure.NotApplicable,
        });
        var json = JsonSerializer.Serialize(snapshot, ContractsJsonContext.Default.ScrutinyMetricsSnapshot);

        var errors = (await Schemas.ScrutinyMetricsV1).Validate(json);

        Assert.True(errors.Count == 0, Schemas.Describe(errors));
        Assert.Equal(snapshot.Rows[0].Figures.Count, JsonSerializer.Deserialize(json, ContractsJsonContext.Default.ScrutinyMetricsSnapshot)!.Rows[0].Figures.Count);
    }

    [Theory]
    [InlineData("{\"value\":3,\"suppressed\":true}")]
    [InlineData("{\"suppressed\":false}")]
    [InlineData("{\"value\":-1}")]
    [InlineData("{\"value\":2.5}")]
    public async Task a_count_that_both_shows_and_hides_or_is_not_a_count_is_invalid(string figure)
    {
        var json = JsonSerializer.Serialize(Sample(_ => new MetricFigure(1, null)), ContractsJsonContext.Default.ScrutinyMetricsSnapshot)
            .Replace($"\"{ScrutinyMetricNames.DeathsNotified}\":{{\"value\":1}}", $"\"{ScrutinyMetricNames.DeathsNotified}\":{figure}", StringComparison.Ordinal);

        Assert.NotEmpty((await Schemas.ScrutinyMetricsV1).Validate(json));
    }

    [Fact]
    public async Task an_unknown_metric_is_invalid()
    {
        var json = JsonSerializer.Serialize(Sample(_ => new MetricFigure(1, null)), ContractsJsonContext.Default.ScrutinyMetricsSnapshot)
            .Replace($"\"{ScrutinyMetricNames.DeathsNotified}\":", "\"nhs_number\":", StringComparison.Ordinal);

        Assert.NotEmpty((await Schemas.ScrutinyMetricsV1).Validate(json));
    }
}
