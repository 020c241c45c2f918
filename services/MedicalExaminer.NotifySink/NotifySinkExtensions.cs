using System.Text.Json;
using System.Text.RegularExpressions;
using MedicalExaminer.Contracts;
using MedicalExaminer.Notify;
using MedicalExaminer.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.NotifySink;

/// <summary>
/// A local stand-in for GOV.UK Notify, for development and tests: the subset of the v2 API the family notifier calls
/// (send email/SMS/letter, status by id, list by reference), with Notify's JWT check, template rendering and error
/// shapes; a page listing what it received; and an admin endpoint that switches faults on (HTTP 500s, 429s, latency).
/// </summary>
public static partial class NotifySinkExtensions
{
    public const string ServiceName = "notify-sink";

    public static WebApplicationBuilder AddNotifySink(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotifySinkOptions>()
            .Bind(builder.Configuration.GetSection(NotifySinkOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SinkStore>();
        builder.Services.AddSingleton<SinkFaults>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, NotifyJsonContext.Default));
        return builder;
    }

    public static WebApplication BuildNotifySink(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(NotifySinkExtensions).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddNotifySink();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapNotifySink();
        return app;
    }

    public static WebApplication MapNotifySink(this WebApplication app)
    {
        var api = app.MapGroup("/v2").AddEndpointFilter(FaultsAndAuthAsync);
        api.MapPost("/notifications/email", (HttpContext context, SinkStore store, IOptionsMonitor<NotifySinkOptions> options, TimeProvider clock) =>
            SendAsync(context, ContactChannels.Email, store, options.CurrentValue, clock));
        api.MapPost("/notifications/sms", (HttpContext context, SinkStore store, IOptionsMonitor<NotifySinkOptions> options, TimeProvider clock) =>
            SendAsync(context, ContactChannels.Sms, store, options.CurrentValue, clock));
        api.MapPost("/notifications/letter", (HttpContext context, SinkStore store, IOptionsMonitor<NotifySinkOptions> options, TimeProvider clock) =>
            SendAsync(context, ContactChannels.Letter, store, options.CurrentValue, clock));
        api.MapGet("/notifications/{id:guid}", (Guid id, SinkStore store) =>
            store.Find(id) is { } message
                ? Results.Json(store.ToResponse(message), NotifyJsonContext.Default.NotificationResponse)
                : Error(404, "NoResultFound", "No result found"));
        api.MapGet("/notifications", (string? reference, string? template_type, SinkStore store, HttpContext context) =>
        {
            var matching = store.All()
                .Where(m => reference is null || m.Reference == reference)
                .Where(m => template_type is null || m.Type == template_type)
                .Take(250)
                .Select(store.ToResponse)
                .ToList();
            return Results.Json(new NotificationListResponse(matching, new NotificationListLinks(context.Request.Path + context.Request.QueryString, null)), NotifyJsonContext.Default.NotificationListResponse);
        });

        // Admin: for tests and a developer at the keyboard (bound to 127.0.0.1; nothing secret is shown).
        app.MapPost("/admin/faults", (FaultRequest request, SinkFaults faults, SinkStore store) =>
        {
            faults.Set(request.Status, request.Count, TimeSpan.FromMilliseconds(request.LatencyMs ?? 0));
            if (request.HonourReference is { } honour)
            {
                store.HonourReference = honour;
            }

            return Results.Ok(faults.Describe());
        });
        app.MapDelete("/admin/faults", (SinkFaults faults) =>
        {
            faults.Set(null, null, TimeSpan.Zero);
            return Results.NoContent();
        });
        app.MapGet("/admin/messages", (SinkStore store) => Results.Ok(store.All().Select(m => new
        {
            m.Id, m.Reference, m.Type, m.Template, m.Language, m.TemplateId, m.Subject, m.Body, m.CreatedAt, status = store.StatusOf(m),
        })));
        app.MapGet("/admin/stats", (SinkStore store) => Results.Ok(new { requests = store.Requests, sendRequests = store.SendRequests, messages = store.All().Count }));
        app.MapDelete("/admin/messages", (SinkStore store) =>
        {
            store.Clear();
            return Results.NoContent();
        });
        app.MapGet("/", (SinkStore store) => Results.Content(SinkPage.Render(store), "text/html; charset=utf-8"));
        return app;
    }

    private static async ValueTask<object?> FaultsAndAuthAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var services = context.RequestServices;
        services.GetRequiredService<SinkStore>().CountRequest(send: HttpMethods.IsPost(context.Request.Method));
        var faults = services.GetRequiredService<SinkFaults>();
        if (faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(faults.Latency, context.RequestAborted);
        }

        if (faults.Next() is { } status)
        {
            return status switch
            {
                429 => Error(429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
                >= 500 => Error(status, "Exception", "Internal server error"),
                _ => Error(status, "BadRequestError", "Injected fault"),
            };
        }

        var key = NotifyApiKey.Parse(services.GetRequiredService<IOptionsMonitor<NotifySinkOptions>>().CurrentValue.ApiKey);
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Error(401, "AuthError", "Unauthorized: authentication token must be provided");
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!await NotifyToken.IsValidAsync(header["Bearer ".Length..].Trim(), key, now))
        {
            return Error(403, "AuthError", "Invalid token: signature, api token not found or iat out of range");
        }

        return await next(invocation);
    }

    private static async Task<IResult> SendAsync(HttpContext context, string type, SinkStore store, NotifySinkOptions options, TimeProvider clock)
    {
        (Guid TemplateId, IReadOnlyDictionary<string, string>? Personalisation, string? Reference, string? Recipient) request;
        try
        {
            request = type switch
            {
                ContactChannels.Email => await context.Request.ReadFromJsonAsync(NotifyJsonContext.Default.SendEmailRequest) is { } e
                    ? (e.TemplateId, e.Personalisation, e.Reference, e.EmailAddress) : default,
                ContactChannels.Sms => await context.Request.ReadFromJsonAsync(NotifyJsonContext.Default.SendSmsRequest) is { } s
                    ? (s.TemplateId, s.Personalisation, s.Reference, s.PhoneNumber) : default,
                _ => await context.Request.ReadFromJsonAsync(NotifyJsonContext.Default.SendLetterRequest) is { } l
                    ? (l.TemplateId, l.Personalisation, l.Reference, null) : default,
            };
        }
        catch (JsonException)
        {
            return Error(400, "ValidationError", "Request body is not valid JSON for this notification type");
        }

        var personalisation = request.Personalisation ?? new Dictionary<string, string>();
        if (TemplateCatalog.FindByDefaultId(request.TemplateId) is not { } found || found.Channel != type)
        {
            return Error(400, "BadRequestError", "Template not found");
        }

        var recipient = type switch
        {
            ContactChannels.Email when request.Recipient is { } email && EmailAddress().IsMatch(email) => email,
            ContactChannels.Email => null,
            ContactChannels.Sms when request.Recipient is { } phone && PhoneNumber().IsMatch(phone) => phone,
            ContactChannels.Sms => null,
            _ => Enumerable.Range(1, 7).Count(i => personalisation.ContainsKey($"address_line_{i}")) >= 3 && personalisation.TryGetValue("address_line_1", out var line1) ? line1 : null,
        };
        if (recipient is null)
        {
            return Error(400, "ValidationError", type switch
            {
                ContactChannels.Email => "email_address Not a valid email address",
                ContactChannels.Sms => "phone_number Not a valid phone number",
                _ => "Address must be at least 3 lines",
            });
        }

        var missing = found.Template.FieldsFor(type).Where(f => !personalisation.ContainsKey(f)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            return Error(400, "BadRequestError", new MissingPersonalisationException(missing).Message);
        }

        var subject = TemplateRenderer.Render(found.Template.Subject, personalisation);
        var body = TemplateRenderer.Render(found.Template.TextFor(type), personalisation);

        var (message, _) = store.Add(new SinkMessage(
            Guid.NewGuid(),
            request.Reference,
            type,
            found.Template.Name,
            found.Template.Language,
            request.TemplateId,
            recipient,
            type == ContactChannels.Sms ? null : subject,
            body,
            clock.GetUtcNow(),
            options.PermanentFailureRecipients.Contains(recipient, StringComparer.OrdinalIgnoreCase)));
        var response = new SendResponse(
            message.Id,
            message.Reference,
            new SentContent(message.Body, message.Subject, type == ContactChannels.Sms ? "MedExaminer" : null, type == ContactChannels.Email ? "medical.examiner@notifications.example" : null),
            $"/v2/notifications/{message.Id:D}",
            new TemplateReference(message.TemplateId, 1, $"/v2/template/{message.TemplateId:D}/version/1"));
        return Results.Json(response, NotifyJsonContext.Default.SendResponse, statusCode: 201);
    }

    private static IResult Error(int status, string error, string message) =>
        Results.Json(new ErrorResponse(status, [new ErrorItem(error, message)]), NotifyJsonContext.Default.ErrorResponse, statusCode: status);

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailAddress();

    [GeneratedRegex(@"^\+?[0-9 ()-]{10,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhoneNumber();

    private sealed record FaultRequest(int? Status, int? Count, int? LatencyMs, bool? HonourReference);
}
