namespace KenShell.Messaging;

/// <summary>The outcome of adding one fragment to a <see cref="Reassembler"/>; <see cref="Message"/> is set when complete.</summary>
public readonly record struct ReassemblyResult(ReassemblyStatus Status, MessageKey Key, byte[]? Message)
{
    public bool IsComplete => Status == ReassemblyStatus.Complete;
}
