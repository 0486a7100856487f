namespace KenShell.Shell;

/// <summary>
/// A committed turn called process.exit(code): its output is out and its
/// file writes are done; the shell ends with <see cref="Code"/>.
/// </summary>
public sealed class ProcessExitException(int code) : Exception($"process.exit({code})")
{
    public int Code { get; } = code;
}
