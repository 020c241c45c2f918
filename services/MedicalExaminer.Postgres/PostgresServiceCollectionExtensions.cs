using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>Registers the one <see cref="NpgsqlDataSource"/> of this service's database.</summary>
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
            builder.UseLoggerFactory(provider.GetService<Microsoft.Extensions.Logging.ILoggerFactory>());
            return builder.Build();
        });
        return services;
    }
}
