using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace MedicalExaminer.NotifySink;

/// <summary>The page a developer opens to see what the family would have received (synthetic data; recipients partly masked).</summary>
internal static class SinkPage
{
    public static string Render(SinkStore store)
    {
        var html = HtmlEncoder.Default;
        var messages = store.All();
        var page = new StringBuilder();
        page.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Local Notify sink</title>
            <meta http-equiv="refresh" content="5">
            <style>
              body { font-family: Arial, sans-serif; margin: 2rem; color: #212b32; }
              table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #d8dde0; padding: .5rem; text-align: left; vertical-align: top; }
              pre { white-space: pre-wrap; margin: 0; font-family: inherit; } .status { font-weight: bold; }
            </style></head><body>
            <h1>Local Notify sink</h1>
            """);
        page.Append(CultureInfo.InvariantCulture, $"<p>{messages.Count} messages received. This page refreshes every 5 seconds.</p>");
        page.Append("<table><thead><tr><th>Received (UTC)</th><th>Channel</th><th>Template</th><th>Language</th><th>Status</th><th>To</th><th>Message</th></tr></thead><tbody>");
        foreach (var m in messages)
        {
            page.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{m.CreatedAt:yyyy-MM-dd HH:mm:ss}</td><td>{html.Encode(m.Type)}</td><td>{html.Encode(m.Template)}</td><td>{html.Encode(m.Language)}</td>
                <td class="status">{html.Encode(store.StatusOf(m))}</td><td>{html.Encode(Mask(m.Recipient))}</td>
                <td>{(m.Subject is null ? "" : $"<strong>{html.Encode(m.Subject)}</strong>")}<pre>{html.Encode(m.Body)}</pre></td></tr>
                """);
        }

        page.Append("</tbody></table></body></html>");
        return page.ToString();
    }

    /// <summary>Enough to tell messages apart, not a usable contact detail.</summary>
    internal static string Mask(string recipient)
    {
        var at = recipient.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return $"{recipient[0]}***{recipient[at..]}";
        }

        return recipient.Length > 4 && recipient.Any(char.IsAsciiDigit) ? $"***{recipient[^3..]}" : recipient.Length > 0 ? $"{recipient[0]}***" : "";
    }
}
