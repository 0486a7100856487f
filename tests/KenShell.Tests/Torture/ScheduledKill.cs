using KenShell.Tests.Support;
using Mono.Unix.Native;

namespace KenShell.Tests.Torture;

/// <summary>
/// SIGKILL for a kenshell after a delay, from another thread, noting where
/// it landed: while a background checkpoint child was running, and while
/// an input was in flight (sent, its output not yet read: mid-turn or
/// mid-commit). The driver marks inputs in flight with <see cref="Sent"/>
/// and <see cref="Answered"/>.
/// </summary>
internal sealed class ScheduledKill
{
    private readonly Kenshell _shell;
    private readonly Task _task;
    private volatile bool _inFlight;
    private DateTime _firedAt;

    public ScheduledKill(Kenshell shell, TimeSpan delay)
    {
        _shell = shell;
        _task = Task.Run(async () =>
        {
            await Task.Delay(delay);
            DuringCheckpoint = ProcessChildren.Of(_shell.Pid).Count > 0;
            MidTurn = _inFlight;
            _firedAt = DateTime.UtcNow;
            Fired = true;
            _shell.Signal(Signum.SIGKILL);
        });
    }

    /// <summary>True once the signal was sent: from then on the driver's reads and writes fail.</summary>
    public volatile bool Fired;

    public bool DuringCheckpoint { get; private set; }

    public bool MidTurn { get; private set; }

    public void Sent() => _inFlight = true;

    public void Answered() => _inFlight = false;

    /// <summary>Waits for the kill and the process's end; returns its exit code.</summary>
    public int WaitForDeath()
    {
        _task.Wait();
        return _shell.WaitForExit(Kenshell.DefaultTimeout).ExitCode;
    }

    /// <summary>Whether an exception from the driver is just the process having been killed.</summary>
    public bool Explains(Exception e) =>
        e is TimeoutException or IOException or InvalidOperationException or ObjectDisposedException && WaitUntilFired();

    private bool WaitUntilFired()
    {
        // The pipe may break a moment before Fired is visible to this thread.
        // A read that failed long after the kill was a hang, not the kill.
        _task.Wait(TimeSpan.FromSeconds(5));
        return Fired && DateTime.UtcNow - _firedAt < TimeSpan.FromSeconds(10);
    }
}
