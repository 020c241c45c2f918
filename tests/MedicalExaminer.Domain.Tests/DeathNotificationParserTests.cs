using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain.Tests;

public sealed class DeathNotificationParserTests
{
    private static byte[] ValidJson() => JsonSerializer.SerializeToUtf8Bytes(Notifications.Valid(), ContractsJsonContext.Default.DeathNotification);

    private static NotificationValidation Parse(string json) => DeathNotificationParser.Parse(Encoding.UTF8.GetBytes(json), Notifications.Now);

    /// <summary>The valid notification's JSON with one textual substitution.</summary>
    private static string ValidJsonWith(string find, string replace)
    {
        var json = Encoding.UTF8.GetString(ValidJson());
        Assert.Contains(find, json, StringComparison.Ordinal);
        return json.Replace(find, replace, StringComparison.Ordinal);
    }

    [Fact]
    public void valid_message_is_read_and_validated()
    {
        var result = DeathNotificationParser.Parse(ValidJson(), Notifications.Now);

        Assert.True(result.IsValid);
        Assert.Equal(Notifications.Valid() with { Circumstances = result.Accepted!.Notification.Circumstances }, result.Accepted.Notification);
    }

    [Fact]
    public void field_errors_of_a_readable_message_come_from_the_validator()
    {
        var result = Parse(ValidJsonWith("\"placeOfDeath\":\"hospital-inpatient\"", "\"placeOfDeath\":\"car-park\""));

        Assert.Equal([new ValidationError(ValidationErrorCodes.UnknownCode, "placeOfDeath")], result.Errors);
    }

    [Fact]
    public void message_over_64_kib_is_oversize()
    {
        var json = ValidJsonWith("\"ia\":\"Bronchopneumonia\"", "\"ia\":\"" + new string('x', DeathNotificationParser.MaxMessageBytes) + "\"");

        Assert.Equal([new ValidationError(ValidationErrorCodes.Oversize, "$")], Parse(json).Errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"schemaVersion\":1")]
    [InlineData("{\"schemaVersion\":1,}")]
    [InlineData("{'schemaVersion':1}")]
    [InlineData("{\"schemaVersion\":1} trailing")]
    [InlineData("{\"schemaVersion\":1 /* comment */}")]
    public void malformed_json_is_reported(string json) =>
        Assert.Equal([new ValidationError(ValidationErrorCodes.MalformedJson, "$")], Parse(json).Errors);

    [Fact]
    public void invalid_utf8_is_malformed_json()
    {
        var bytes = ValidJson();
        var at = Encoding.UTF8.GetString(bytes).IndexOf("Bronchopneumonia", StringComparison.Ordinal);
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28; // 0xC3 must be followed by a continuation byte

        var result = DeathNotificationParser.Parse(bytes, Notifications.Now);

        Assert.Equal([new ValidationError(ValidationErrorCodes.MalformedJson, "$")], result.Errors);
    }

    [Fact]
    public void escaped_lone_surrogate_is_malformed_json() =>
        Assert.Equal(
            [new ValidationError(ValidationErrorCodes.MalformedJson, "$")],
            Parse(ValidJsonWith("\"Bronchopneumonia\"", "\"Broncho\\uD800pneumonia\"")).Errors);

    [Theory]
    [InlineData("\"schemaVersion\":1", "\"schemaVersion\":\"one\"", "schemaVersion")]
    [InlineData("\"identityConfirmed\":true", "\"identityConfirmed\":\"yes\"", "deceased.identityConfirmed")]
    [InlineData("\"givenName\":\"Test\"", "\"givenName\":5", "deceased.givenName")]
    [InlineData("\"circumstances\":[]", "\"circumstances\":[\"violence\",5]", "circumstances[1]")]
    [InlineData("\"circumstances\":[]", "\"circumstances\":\"violence\"", "circumstances")]
    public void value_of_the_wrong_json_type_is_reported_with_its_path(string find, string replace, string field) =>
        Assert.Equal([new ValidationError(ValidationErrorCodes.WrongType, field)], Parse(ValidJsonWith(find, replace)).Errors);

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("null")]
    public void root_that_is_not_an_object_is_the_wrong_type(string json) =>
        Assert.Equal([new ValidationError(ValidationErrorCodes.WrongType, "$")], Parse(json).Errors);

    [Theory]
    [InlineData("{\"schemaVersion\":1", "{\"schemaVersion\":1,\"ward\":\"7B\"", "ward")]
    [InlineData("\"identityConfirmed\":true", "\"identityConfirmed\":true,\"middleName\":\"T\"", "deceased.middleName")]
    public void unknown_field_is_reported_with_its_path(string find, string replace, string field) =>
        Assert.Equal([new ValidationError(ValidationErrorCodes.UnknownField, field)], Parse(ValidJsonWith(find, replace)).Errors);

    [Theory]
    [InlineData("{\"schemaVersion\":1", "{\"schemaVersion\":1,\"schemaVersion\":1", "schemaVersion")]
    [InlineData("\"givenName\":\"Test\"", "\"givenName\":\"Test\",\"givenName\":\"Other\"", "deceased.givenName")]
    [InlineData("{\"schemaVersion\":1", "{\"schemaVersion\":1,\"SchemaVersion\":1", "SchemaVersion")] // names bind case-insensitively
    public void duplicate_field_is_reported_with_its_path(string find, string replace, string field) =>
        Assert.Equal([new ValidationError(ValidationErrorCodes.DuplicateField, field)], Parse(ValidJsonWith(find, replace)).Errors);

    [Fact]
    public void same_name_in_sibling_objects_is_not_a_duplicate()
    {
        var json = ValidJson();

        Assert.Equal(2, Encoding.UTF8.GetString(json).Split("\"name\":").Length - 1);
        Assert.True(DeathNotificationParser.Parse(json, Notifications.Now).IsValid);
    }

    [Fact]
    public void deep_nesting_is_refused_before_binding()
    {
        var json = ValidJsonWith("\"circumstances\":[]", "\"circumstances\":" + new string('[', 40) + new string(']', 40));

        Assert.Equal([new ValidationError(ValidationErrorCodes.TooDeep, "$")], Parse(json).Errors);
    }

    [Fact]
    public void errors_from_unreadable_messages_never_contain_the_values()
    {
        string[] messages =
        [
            ValidJsonWith("\"identityConfirmed\":true", "\"identityConfirmed\":\"SECRET-MARKER\""),
            ValidJsonWith("\"schemaVersion\":1", "\"schemaVersion\":\"SECRET-MARKER\""),
            ValidJsonWith("\"givenName\":\"Test\"", "\"givenName\":{\"SECRET-MARKER\":1}"),
            ValidJsonWith("\"nhsNumber\":\"9990000018\"", "\"nhsNumber\":9990000018"),
            "{\"schemaVersion\":SECRET-MARKER}",
        ];

        foreach (var message in messages)
        {
            var errors = Parse(message).Errors;
            Assert.NotEmpty(errors);
            var rendered = string.Join("|", errors.Select(e => e.ToString()));
            Assert.DoesNotContain("SECRET", rendered, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("9990000018", rendered, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void garbage_of_any_kind_never_throws()
    {
        var random = new Random(20261120);
        var valid = ValidJson();
        for (var i = 0; i < 2000; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var result = DeathNotificationParser.Parse(bytes.AsSpan(0, random.Next(bytes.Length + 1)), Notifications.Now);

            Assert.True(result.IsValid || result.Errors.Count > 0, "a refused message always says why");
        }
    }
}
