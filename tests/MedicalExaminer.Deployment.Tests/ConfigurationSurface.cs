using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>
/// The configuration keys a service reads, taken from the service itself. Its own builder
/// (<c>Build*(string[] args, Action&lt;WebApplicationBuilder&gt;? configure)</c>, which every web deployable
/// has) is run, then:
/// <list type="bullet">
/// <item>every options class of ours bound to a section (<c>AddOptions&lt;T&gt;().Bind(section)</c>) is found in the
/// service collection with its section, and its settable properties become keys (a dictionary or a list
/// takes any key in its place: <c>Kafka:Producer:{any}</c>);</item>
/// <item>a recording configuration provider on top remembers every key read directly
/// (<c>configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]</c>, <c>GetValue("Outbox:Enabled")</c>), with the options
/// resolved once so that reads made while binding or validating count too.</item>
/// </list>
/// A console deployable without such a builder (the migrator) reads keys by literal indexer in Program.cs.
/// </summary>
public sealed partial class ConfigurationSurface
{
    /// <summary>In a key pattern, one segment of any name (a dictionary key or a list index).</summary>
    public const string AnyKey = "{any}";

    private const int MaxDepth = 6;

    private static readonly ConcurrentDictionary<string, Lazy<ConfigurationSurface>> Cache = new(StringComparer.Ordinal);

    private readonly HashSet<string> _keys;

    private ConfigurationSurface(IEnumerable<string> keys, IReadOnlyDictionary<string, string?> defaults, IReadOnlyDictionary<string, Type> boundSections)
    {
        _keys = new HashSet<string>(keys, StringComparer.OrdinalIgnoreCase);
        Defaults = defaults;
        BoundSections = boundSections;
    }

    /// <summary>Every key (or key pattern) the service reads.</summary>
    public IReadOnlyCollection<string> Keys => _keys;

    /// <summary>Values the service's own code gives the keys it reads: options classes' initial values, then its in-memory configuration defaults.</summary>
    public IReadOnlyDictionary<string, string?> Defaults { get; }

    /// <summary>Configuration sections bound to options classes, with the class.</summary>
    public IReadOnlyDictionary<string, Type> BoundSections { get; }

    public static ConfigurationSurface Of(Deployable deployable) =>
        Cache.GetOrAdd(deployable.ProjectName, _ => new Lazy<ConfigurationSurface>(() => Read(deployable))).Value;

    /// <summary>The configuration key an environment variable sets ("__" for ":").</summary>
    public static string KeyOf(string environmentVariable) => environmentVariable.Replace("__", ":", StringComparison.Ordinal);

    public bool Reads(string key) =>
        _keys.Contains(key) || _keys.Any(pattern => pattern.Contains(AnyKey, StringComparison.Ordinal) && Matches(pattern, key));

    private static bool Matches(string pattern, string key)
    {
        var expected = pattern.Split(':');
        var actual = key.Split(':');
        return expected.Length == actual.Length
            && expected.Zip(actual).All(p => p.First == AnyKey || p.First.Equals(p.Second, StringComparison.OrdinalIgnoreCase));
    }

    private static ConfigurationSurface Read(Deployable deployable)
    {
        var assembly = Assembly.Load(deployable.ProjectName);
        var build = assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .SingleOrDefault(m => m.ReturnType == typeof(WebApplication)
                && m.GetParameters().Select(p => p.ParameterType).SequenceEqual([typeof(string[]), typeof(Action<WebApplicationBuilder>)]));
        return build is null ? FromProgramSource(deployable) : FromBuilder(build);
    }

    private static ConfigurationSurface FromBuilder(MethodInfo build)
    {
        var recorder = new RecordingSource();
        IServiceCollection? services = null;
        Action<WebApplicationBuilder> configure = builder =>
        {
            ((IConfigurationBuilder)builder.Configuration).Add(recorder);
            services = builder.Services;
        };
        var app = (WebApplication)build.Invoke(null, [Array.Empty<string>(), configure])!;
        try
        {
            try
            {
                // Binds and validates every ValidateOnStart options class; failures are expected (nothing
                // is configured here) and do not matter.
                app.Services.GetService<IStartupValidator>()?.Validate();
            }
            catch (Exception ex) when (ex is OptionsValidationException or AggregateException)
            {
            }

            var bound = FindBoundSections(services!);
            var keys = recorder.Keys.Concat(bound.SelectMany(s => KeysOf(s.Value, s.Key, 0))).ToList();
            // Defaults: what the options classes initialise their properties to, overridden by the values the
            // service's code puts into configuration (its in-memory defaults).
            var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (section, type) in bound)
            {
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => IsLeaf(p.PropertyType) && p.GetIndexParameters().Length == 0))
                {
                    if (Activator.CreateInstance(type) is { } instance && property.GetValue(instance) is { } value)
                    {
                        defaults[$"{section}:{property.Name}"] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }

            foreach (var key in recorder.Keys)
            {
                if (app.Configuration[key] is { } value || !defaults.ContainsKey(key))
                {
                    defaults[key] = app.Configuration[key];
                }
            }

            return new ConfigurationSurface(keys, defaults, bound);
        }
        finally
        {
            ((IDisposable)app).Dispose();
        }
    }

    /// <summary>
    /// <c>OptionsBuilder.Bind(section)</c> registers a <see cref="ConfigurationChangeTokenSource{TOptions}"/>
    /// holding the section; its path is not public, so it is read from the one IConfiguration field.
    /// </summary>
    private static Dictionary<string, Type> FindBoundSections(IServiceCollection services)
    {
        var bound = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var descriptor in services)
        {
            if (descriptor.ImplementationInstance is { } source
                && source.GetType() is { IsGenericType: true } type
                && type.GetGenericTypeDefinition() == typeof(ConfigurationChangeTokenSource<>))
            {
                var field = type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic).Single(f => f.FieldType == typeof(IConfiguration));
                // Our options classes only: the framework's (Logging's filter rules) bind types of their own.
                if (field.GetValue(source) is IConfigurationSection section && IsOurs(type.GetGenericArguments()[0]))
                {
                    bound[section.Path] = type.GetGenericArguments()[0];
                }
            }
        }

        return bound;
    }

    private static IEnumerable<string> KeysOf(Type type, string prefix, int depth)
    {
        yield return prefix;
        if (depth > MaxDepth || IsLeaf(type) || (ElementType(type) is null && !IsOurs(type)))
        {
            yield break;
        }

        if (ElementType(type) is { } element)
        {
            foreach (var key in KeysOf(element, $"{prefix}:{AnyKey}", depth + 1))
            {
                yield return key;
            }

            yield break;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The binder sets writable properties and fills read-only ones that hold an object or a collection.
            if (property.GetIndexParameters().Length > 0 || (property.SetMethod is not { IsPublic: true } && IsLeaf(property.PropertyType)))
            {
                continue;
            }

            foreach (var key in KeysOf(property.PropertyType, $"{prefix}:{property.Name}", depth + 1))
            {
                yield return key;
            }
        }
    }

    private static bool IsOurs(Type type) => type.Assembly.GetName().Name?.StartsWith("MedicalExaminer.", StringComparison.Ordinal) == true;

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(object)
            || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));
    }

    /// <summary>The value type of a dictionary or the element type of a list or array; null for anything else.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var dictionary = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is not null)
        {
            return dictionary.GetGenericArguments()[1];
        }

        return typeof(IEnumerable).IsAssignableFrom(type)
            ? type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
            : null;
    }

    private static ConfigurationSurface FromProgramSource(Deployable deployable)
    {
        var source = File.ReadAllText(Path.Combine(deployable.Directory, "Program.cs"));
        var keys = IndexerKey().Matches(source).Select(m => m.Groups["key"].Value).ToList();
        if (keys.Count == 0)
        {
            throw new InvalidOperationException(
                $"{deployable} has no Build*(string[], Action<WebApplicationBuilder>?) method and Program.cs reads no configuration[\"key\"]: the tests cannot tell which keys it reads.");
        }

        return new ConfigurationSurface(keys, keys.ToDictionary(k => k, _ => (string?)null, StringComparer.OrdinalIgnoreCase), new Dictionary<string, Type>());
    }

    [GeneratedRegex("""configuration\["(?<key>[A-Za-z0-9_.:]+)"\]""")]
    private static partial Regex IndexerKey();

    /// <summary>Answers nothing, remembers every key asked for (it is the last, highest-priority source).</summary>
    private sealed class RecordingSource : IConfigurationSource, IConfigurationProvider
    {
        private readonly ConcurrentDictionary<string, bool> _keys = new(StringComparer.OrdinalIgnoreCase);

        public IEnumerable<string> Keys => _keys.Keys;

        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public bool TryGet(string key, out string? value)
        {
            _keys.TryAdd(key, true);
            value = null;
            return false;
        }

        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) => earlierKeys;

        public void Set(string key, string? value)
        {
        }

        public Microsoft.Extensions.Primitives.IChangeToken GetReloadToken() => new ConfigurationReloadToken();

        public void Load()
        {
        }
    }
}
