using System.Text;

namespace KenShell.Shell;

/// <summary>
/// Collects lines into one input until the engine says it is complete
/// (Node's REPL does the same with its "..." continuation prompt).
/// </summary>
public sealed class InputAccumulator
{
    private readonly StringBuilder _pending = new();

    public bool HasPending => _pending.Length > 0;

    public string Add(string line)
    {
        if (_pending.Length > 0) _pending.Append('\n');
        _pending.Append(line);
        return _pending.ToString();
    }

    public void Clear() => _pending.Clear();
}
