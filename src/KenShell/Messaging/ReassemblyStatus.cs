namespace KenShell.Messaging;

/// <summary>What <see cref="Reassembler.Add"/> did with a fragment.</summary>
public enum ReassemblyStatus
{
    /// <summary>The fragment completed its message, which is returned.</summary>
    Complete,
    /// <summary>The fragment was stored; the message is not complete yet.</summary>
    Partial,
    /// <summary>The fragment had already been received: ignored.</summary>
    DuplicateFragment,
    /// <summary>A partial message with the same key has a different length or fragment count: fragment dropped.</summary>
    Conflict,
    /// <summary>The message is longer than <see cref="ReassemblerLimits.MaxMessageBytes"/>: fragment dropped.</summary>
    TooLarge,
    /// <summary>Starting this message would exceed the partial-message count or byte limit: fragment dropped.</summary>
    LimitReached,
    /// <summary>Not a DATA datagram.</summary>
    NotData,
}
