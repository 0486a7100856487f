using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Shell;

/// <summary>
/// The runtime's own code uses only built-ins it captured when the store was
/// created (Node's "primordials" rule): user code that deletes or replaces
/// built-ins breaks its own code, never the printing of results and errors,
/// timers, microtasks or the turn machinery.
/// </summary>
public sealed class HostileBuiltinsTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Theory]
    [InlineData("delete Array.prototype[Symbol.iterator]")]
    [InlineData("Object.defineProperty(Array.prototype, '0', { set(v) { throw new Error('setter') }, configurable: true })")]
    [InlineData("Object.defineProperty(Object.prototype, 'get', { get() { throw new Error('get') }, configurable: true })")]
    [InlineData("Object.defineProperty(Object.prototype, 'value', { set(v) { throw new Error('value') }, configurable: true })")]
    [InlineData("Promise.prototype.then = function () { throw new Error('then') }")]
    [InlineData("JSON.stringify = JSON.parse = null")]
    [InlineData("Date.now = () => { throw new Error('now') }")]
    [InlineData("Map.prototype.get = Map.prototype.set = Map.prototype.values = null")]
    [InlineData("String.prototype.slice = String.prototype.indexOf = String.prototype.split = null")]
    [InlineData("Function.prototype.call = Function.prototype.apply = Function.prototype.bind = null; Reflect.apply = null")]
    [InlineData("Object.prototype.toJSON = Array.prototype.toJSON = () => { throw new Error('toJSON') }")]
    public void ResultsErrorsTimersAndMicrotasksSurvive(string sabotage)
    {
        KenshellResult r = Kenshell.Run(_dir.Path, string.Join("\n",
            "1 + 1",
            sabotage + "; 'sabotaged'",
            "40 + 2",
            "throw new TypeError('mine')",
            "({ a: [1, { b: 2 }] })",
            "queueMicrotask(() => console.log('micro')); 'queued'",
            "setTimeout(() => console.log('timer fired'), 20); 'timer set'",
            "await 5",
            "Promise.reject(new Error('unhandled')); 'rejected'",
            "") , "--wait");
        Assert.DoesNotContain("internal error", r.Stderr);
        Assert.Equal("2", r.StdoutLines[0]);
        Assert.Equal("'sabotaged'", r.StdoutLines[1]);
        Assert.Equal("42", r.StdoutLines[2]);
        Assert.StartsWith("Uncaught TypeError: mine", r.StdoutLines[3]);
        string rest = string.Join("\n", r.StdoutLines[4..]);
        // The formatter may fall back to a plainer form, but says what it is.
        Assert.Matches(@"\{ a: \[ 1, \{ b: 2 \} \] \}|Object|a:", rest);
        Assert.Contains("'queued'\nmicro", rest);
        Assert.Contains("'timer set'", rest);
        Assert.Contains("5", rest);
        Assert.Contains("'rejected'\nUncaught Error: unhandled", rest);
        Assert.Contains("timer fired", rest);
        Assert.Equal(0, r.ExitCode);
    }

    public void Dispose() => _dir.Dispose();
}
