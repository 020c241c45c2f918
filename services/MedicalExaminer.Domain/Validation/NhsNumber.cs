namespace MedicalExaminer.Domain;

/// <summary>NHS number: ten digits whose tenth is the modulus-11 check digit of the first nine.</summary>
public static class NhsNumber
{
    public static bool IsValid(string? value)
    {
        if (value is not { Length: 10 })
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }

            if (i < 9)
            {
                sum += (value[i] - '0') * (10 - i);
            }
        }

        var check = 11 - (sum % 11);
        if (check == 11)
        {
            check = 0;
        }

        // A check digit of 10 means the number was never issued.
        return check != 10 && check == value[9] - '0';
    }
}
