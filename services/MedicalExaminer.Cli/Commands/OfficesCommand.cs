using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MedicalExaminer.Domain;
using MedicalExaminer.Casework;
using Npgsql;

namespace MedicalExaminer.Cli.Commands;

/// <summary>
/// <c>me offices list</c> and <c>me offices load FILE</c> (admin): the ME offices and the routing table — which
/// site ODS codes and postcode districts each covers — as CSV, read from and written to the casework schema
/// with the intake worker's own loader and registry. <c>list</c> prints the CSV that <c>load</c> reads.
/// </summary>
internal static partial class OfficesCommand
{
    public const string ConnectionStringVariable = "Postgres__ConnectionString";
    public static readonly string[] Columns = ["office_id", "name", "site_ods_codes", "postcode_districts"];

    public static Command Create(CliConsole console)
    {
        var command = new Command("offices", "ME offices and the sites and postcode districts they cover (routing), as CSV.");
        command.Subcommands.Add(List(console));
        command.Subcommands.Add(Load(console));
        return command;
    }

    private static Option<string?> ConnectionString() => new("--connection-string", "-c")
    {
        Description = $"Npgsql connection string of the casework database; defaults to the {ConnectionStringVariable} environment variable.",
    };

    private static Command List(CliConsole console)
    {
        var connection = ConnectionString();
        var command = new Command("list", "Print every office and its coverage as CSV (the format 'offices load' reads).") { connection };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await DataSourceAsync(console, parse.GetValue(connection)) is not { } dataSource)
            {
                return ExitCodes.Failure;
            }

            await using var _ = dataSource;
            var directory = await new OfficeDirectoryLoader(dataSource).LoadAsync(cancellationToken);
            await console.Out.WriteLineAsync(string.Join(',', Columns));
            foreach (var office in directory.Offices)
            {
                await console.Out.WriteLineAsync(string.Join(',', Csv(office.OfficeId), Csv(office.Name), string.Join(' ', office.SiteOdsCodes), string.Join(' ', office.PostcodeDistricts)));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Load(CliConsole console)
    {
        var connection = ConnectionString();
        var file = new Argument<FileInfo>("file") { Description = $"CSV with the header {string.Join(',', Columns)}; codes separated by spaces or semicolons." };
        var command = new Command("load", "Add or update offices and their coverage from CSV (all rows in one transaction; nothing is loaded if a row is wrong).") { connection, file };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await console.Error.WriteLineAsync($"me offices load: {path.FullName} does not exist.");
                return ExitCodes.Failure;
            }

            var (offices, errors) = Parse(await File.ReadAllTextAsync(path.FullName, cancellationToken));
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    await console.Error.WriteLineAsync($"me offices load: {error}");
                }

                return ExitCodes.Refused;
            }

            if (await DataSourceAsync(console, parse.GetValue(connection)) is not { } dataSource)
            {
                return ExitCodes.Failure;
            }

            await using var _ = dataSource;
            await OfficeRegistry.UpsertAsync(dataSource, offices, cancellationToken);
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"loaded {offices.Count} offices, {offices.Sum(o => o.SiteOdsCodes.Count)} sites, {offices.Sum(o => o.PostcodeDistricts.Count)} postcode districts"));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Reads the CSV: every row checked, every problem reported with its line number.</summary>
    public static (List<OfficeCoverage> Offices, List<string> Errors) Parse(string csv)
    {
        var offices = new List<OfficeCoverage>();
        var errors = new List<string>();
        var rows = ReadCsv(csv, errors);
        if (rows.Count == 0 || !rows[0].Fields.Select(f => f.Trim().ToLowerInvariant()).SequenceEqual(Columns))
        {
            errors.Add($"line 1: the header must be {string.Join(',', Columns)}");
            return (offices, errors);
        }

        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (line, fields) in rows.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Trim().Length == 0)
            {
                continue;
            }

            if (fields.Count != Columns.Length)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: {fields.Count} columns, expected {Columns.Length}"));
                continue;
            }

            var id = fields[0].Trim();
            var name = fields[1].Trim();
            if (!OfficeIdPattern().IsMatch(id))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: office_id must be lower-case letters, digits and hyphens"));
            }

            if (name.Length is 0 or > 200)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: name is required (at most 200 characters)"));
            }

            var sites = Codes(fields[2]);
            var districts = Codes(fields[3]);
            foreach (var code in sites.Concat(districts).Where(c => !CodePattern().IsMatch(c)))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: '{code}' is not an ODS code or postcode district"));
            }

            foreach (var code in sites.Select(s => "site " + s).Concat(districts.Select(d => "district " + d)))
            {
                if (!seen.TryAdd(code, id) && seen[code] != id)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: {code} is also given to {seen[code]}"));
                }
            }

            offices.Add(new OfficeCoverage(id, name, sites, districts));
        }

        return (offices, errors);
    }

    private static List<string> Codes(string field) =>
        field.Split([' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.ToUpperInvariant()).Distinct().ToList();

    /// <summary>RFC 4180: commas, double quotes around fields that hold commas or quotes, "" for a quote.</summary>
    private static List<(int Line, List<string> Fields)> ReadCsv(string csv, List<string> errors)
    {
        var rows = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var rowLine = 1;
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                rows.Add((rowLine, fields));
                fields = [];
                rowLine = ++line;
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {rowLine}: a quoted field is not closed"));
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            rows.Add((rowLine, fields));
        }

        return rows;
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static async Task<NpgsqlDataSource?> DataSourceAsync(CliConsole console, string? given)
    {
        var connectionString = given ?? console.GetEnvironmentVariable(ConnectionStringVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await console.Error.WriteLineAsync($"me offices: no database: pass --connection-string or set {ConnectionStringVariable}.");
            return null;
        }

        return NpgsqlDataSource.Create(connectionString);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex OfficeIdPattern();

    [GeneratedRegex("^[A-Z0-9]{2,8}$")]
    private static partial Regex CodePattern();
}
