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
    /// of this service's database; the container disposes it. Services call <c>AddPostgresContext</c>
    /// (MedicalExaminer.Migrations), which adds the schema-version readiness check to this.
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
            return CreateDataSource(options.ConnectionString, provider.GetService<ILoggerFactory>());
        });
        return services;
    }

    /// <summary>
    /// The data source every service uses (the benchmark harness too, so that it measures the same thing).
    /// Unless the connection string says otherwise, statements are prepared automatically once they have run
    /// a few times on a connection: claim next, the workflow's write and intake's merge are the same few
    /// statements over and over, and parsing and planning them each time cost Postgres more than running them.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, ILoggerFactory? loggerFactory = null)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var keys = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!keys.ContainsKey("Max Auto Prepare") && !keys.ContainsKey("MaxAutoPrepare"))
        {
            settings.MaxAutoPrepare = 64;
        }

        // Returning a connection to the pool would otherwise cost a reset round trip each time (claim next
        // opens one per claim). No service leaves session state behind: no SET, no roles; intake's staging
        // tables are emptied at commit and created IF NOT EXISTS.
        if (!keys.ContainsKey("No Reset On Close") && !keys.ContainsKey("NoResetOnClose"))
        {
            settings.NoResetOnClose = true;
        }

        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        // Parameter logging stays off (Npgsql's default): parameters carry NHS numbers and names.
        builder.UseLoggerFactory(loggerFactory);
        return builder.Build();
    }
}
