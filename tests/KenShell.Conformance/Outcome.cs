namespace KenShell.Conformance;

/// <summary>What a host printed for one test, judged as test262 judges it.</summary>
public static class Outcome
{
    /// <summary>
    /// True when the test passed: a positive test threw nothing (and an async
    /// one printed Test262:AsyncTestComplete); a negative test threw the
    /// expected error type. <paramref name="error"/> is the name of what was
    /// thrown (SyntaxError, Test262Error...), or null.
    /// </summary>
    public static bool Passed(Test262Test test, string output, string? error)
    {
        if (test.NegativeType is { } expected) return error == expected;
        if (error is not null) return false;
        if (!test.IsAsync) return true;
        return output.Contains("Test262:AsyncTestComplete", StringComparison.Ordinal) &&
               !output.Contains("Test262:AsyncTestFailure", StringComparison.Ordinal);
    }

    /// <summary>
    /// The error name at the start of what a host printed for a thrown value:
    /// "TypeError: x", "Test262Error: x", "Test262Error { message: '' }"
    /// (inspect of sta.js's error, which is no Error) give the leading name.
    /// </summary>
    public static string ErrorName(string text)
    {
        text = text.Trim();
        if (text.StartsWith("Uncaught ", StringComparison.Ordinal)) text = text[9..];
        int end = 0;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] is '_' or '$')) end++;
        return end == 0 ? "(unknown)" : text[..end];
    }
}
