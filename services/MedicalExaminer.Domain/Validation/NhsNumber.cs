namespace MedicalExaminer.Domain;

/// <summary>NHS number: ten digits whose tenth is the modulus-11 check digit of the first nine.</summary>
public static class NhsNumber
{
    public static bool IsValid(string? value) =>
        value is { Length: 10 }
        && char.IsAsciiDigit(value[9])
        && CheckDigit(value.AsSpan(0, 9)) == value[9] - '0';

    /// <summary>
    /// The modulus-11 check digit of the first nine digits, or null when there is none: a
    /// computed 10 means no number with those digits was ever issued.
    /// </summary>
    public static int? CheckDigit(ReadOnlySpan<char> firstNine)
    {
        if (firstNine.Length != 9)
        {
            return null;
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            if (!char.IsAsciiDigit(firstNine[i]))
            {
                return null;
            }

            sum += (firstNine[i] - '0') * (10 - i);
        }

        var check = (11 - (sum % 11)) % 11;
        return check == 10 ? null : check;
    }
}
