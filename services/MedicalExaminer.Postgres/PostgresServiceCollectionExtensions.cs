using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresOptions"/> (validated at start) and the one <see cref="NpgsqlDataSource"/>
    /// of this service's database; the container disposes it. The schema-version readiness check lives
    /// with the migrations: <c>services.AddHealthChecks().AddSchemaVersionCheck()</c> (MedicalExaminer.Migrator).
    /// </summary>
    public static IServiceCollection AddPostgres(this IServiceCollection services, IConfiguration configuration, string section = "Postgres")
    {
        services.AddOptions<PostgresOptions>()
            .Bind(configuration.GetSection(section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<PostgresOptions>>().Value;
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            // Parameter logging stays off (Npgsql's default): parameters carry NHS numbers and names.
            builder.UseLoggerFactory(provider.GetService<ILoggerFactory>());
            return builder.Build();
        });
        return services;
    }
}
