namespace MedicalExaminer.Domain.Tests;

public sealed class NhsNumberTests
{
    [Theory]
    [InlineData("9990000018")]
    [InlineData("9990000026")]
    [InlineData("9434765919")]
    [InlineData("9990000050")] // check digit 0 (11 - 0 remainder maps to 0)
    public void number_with_correct_modulus_11_check_digit_is_valid(string value) =>
        Assert.True(NhsNumber.IsValid(value));

    [Theory]
    [InlineData("9990000019")]
    [InlineData("9434765918")]
    [InlineData("9990000010")]
    public void number_with_wrong_check_digit_is_invalid(string value) =>
        Assert.False(NhsNumber.IsValid(value));

    [Theory]
    [InlineData("9990000000")]
    [InlineData("9990000001")]
    [InlineData("9990000149")]
    public void number_whose_check_digit_would_be_10_is_never_valid(string value) =>
        Assert.False(NhsNumber.IsValid(value));

    [Theory]
    [InlineData("")]
    [InlineData("999000001")]
    [InlineData("99900000180")]
    public void number_of_wrong_length_is_invalid(string value) =>
        Assert.False(NhsNumber.IsValid(value));

    [Theory]
    [InlineData("999000001A")]
    [InlineData("999 000 0018")]
    [InlineData("999-000-00")]
    [InlineData("９９９0000018")] // full-width digits are not ASCII digits
    [InlineData("+990000018")]
    public void number_with_non_digits_is_invalid(string value) =>
        Assert.False(NhsNumber.IsValid(value));

    [Fact]
    public void null_is_invalid() => Assert.False(NhsNumber.IsValid(null));
}
