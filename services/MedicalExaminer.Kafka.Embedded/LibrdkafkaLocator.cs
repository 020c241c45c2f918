using System.Runtime.InteropServices;

namespace MedicalExaminer.Kafka.Embedded;

/// <summary>
/// Loads, for the mock cluster's P/Invoke, the very librdkafka file that Confluent.Kafka uses.
/// </summary>
/// <remarks>
/// The mock cluster must run inside the same librdkafka as the clients: a second copy of the library would
/// carry its own global state and threads, and a copy of another build could behave differently. On Debian 12
/// the default <c>librdkafka.so</c> of the librdkafka.redist package needs <c>libsasl2.so.3</c>, which is
/// absent, so Confluent.Kafka falls back to <c>centos8-librdkafka.so</c>.
/// <para>
/// The obvious move, choosing the file ourselves and passing it to <c>Confluent.Kafka.Library.Load(path)</c>,
/// does not work on Linux: that overload calls <c>dlopen</c> through a library named <c>libdl</c>, which Debian
/// only ships as <c>libdl.so.2</c>. So we do the converse: Confluent.Kafka loads librdkafka first with its own
/// probing (<see cref="Confluent.Kafka.Library.Load()"/>), then we bind to the file it mapped into the process,
/// read from <c>/proc/self/maps</c>. Where that is unavailable (not Linux) we probe in Confluent.Kafka's order —
/// the default build, then the portable builds — in the application's <c>runtimes/&lt;rid&gt;/native</c> folder,
/// the application folder and the NuGet package folder.
/// </para>
/// </remarks>
internal static class LibrdkafkaLocator
{
    private static readonly Lock Gate = new();
    private static nint _handle;
    private static string? _path;

    /// <summary>The native handle of the loaded librdkafka.</summary>
    public static nint Handle
    {
        get
        {
            lock (Gate)
            {
                if (_handle == 0)
                {
                    Load();
                }

                return _handle;
            }
        }
    }

    /// <summary>The file the handle was loaded from.</summary>
    public static string Path
    {
        get
        {
            _ = Handle;
            return _path!;
        }
    }

    private static void Load()
    {
        Confluent.Kafka.Library.Load();
        if (LoadedByConfluent() is { } loaded)
        {
            // Loading an already-loaded file only takes another reference to the same mapping.
            _handle = NativeLibrary.Load(loaded);
            _path = loaded;
            return;
        }

        var tried = new List<string>();
        foreach (var candidate in Candidates().Where(File.Exists))
        {
            tried.Add(candidate);
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                _handle = handle;
                _path = candidate;
                return;
            }

            // Typically an unmet dependency (libsasl2.so.3 for the default Linux build): try the next build.
        }

        throw new DllNotFoundException(tried.Count == 0
            ? "librdkafka (librdkafka.redist package) was not found next to the application or in the NuGet package folder."
            : $"librdkafka could not be loaded from any of: {string.Join(", ", tried)}.");
    }

    private static string? LoadedByConfluent()
    {
        const string maps = "/proc/self/maps";
        if (!OperatingSystem.IsLinux() || !File.Exists(maps))
        {
            return null;
        }

        var names = FileNames();

        // Each line: address perms offset dev inode path; the path is absent for anonymous mappings.
        return File.ReadLines(maps)
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6)
            .Select(fields => fields[5].Trim())
            .FirstOrDefault(path => names.Contains(System.IO.Path.GetFileName(path)));
    }

    private static IEnumerable<string> Candidates()
    {
        var rid = RuntimeIdentifier();
        var files = FileNames();
        var directories = new List<string>
        {
            System.IO.Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native"),
            AppContext.BaseDirectory,
        };
        if (PackageDirectory(rid) is { } package)
        {
            directories.Add(package);
        }

        return directories.SelectMany(directory => files.Select(file => System.IO.Path.Combine(directory, file)));
    }

    private static string[] FileNames()
    {
        if (OperatingSystem.IsWindows())
        {
            return ["librdkafka.dll"];
        }

        if (OperatingSystem.IsMacOS())
        {
            return ["librdkafka.dylib"];
        }

        return ["librdkafka.so", "centos8-librdkafka.so", "alpine-librdkafka.so"];
    }

    private static string RuntimeIdentifier()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        return $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
    }

    /// <summary>The librdkafka.redist package matching Confluent.Kafka's version in the NuGet package folder (apps run without a publish step).</summary>
    private static string? PackageDirectory(string rid)
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(root))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            root = string.IsNullOrEmpty(home) ? null : System.IO.Path.Combine(home, ".nuget", "packages");
        }

        var version = typeof(Confluent.Kafka.Library).Assembly.GetName().Version;
        return root is null || version is null
            ? null
            : System.IO.Path.Combine(root, "librdkafka.redist", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", rid, "native");
    }
}
