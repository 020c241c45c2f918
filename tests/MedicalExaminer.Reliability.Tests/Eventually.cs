namespace MedicalExaminer.Reliability.Tests;

/// <summary>Polls a condition with a deadline: never a bare sleep, never an unbounded loop.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string invariant)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout}: {invariant}");
            }

            await Task.Delay(100);
        }
    }
}
