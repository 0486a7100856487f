namespace KenShell.Messaging;

/// <summary>
/// Puts DATA fragments back together into messages, keyed by <see cref="MessageKey"/>
/// (sender incarnation, stream name, sequence). Fragments may arrive in any order,
/// any number of times, interleaved across messages and across retransmissions.
///
/// <list type="bullet">
/// <item>A duplicate fragment is ignored (<see cref="ReassemblyStatus.DuplicateFragment"/>).</item>
/// <item>A fragment whose message length or fragment count differs from the partial
/// message with its key is dropped and counted (<see cref="Conflicts"/>); the partial is
/// kept (it ages out if its sender really changed the layout).</item>
/// <item>Memory is bounded by <see cref="ReassemblerLimits"/>: messages above the size
/// limit are refused; a new partial that would exceed the count or byte limit is
/// refused after stale partials were evicted (in-progress messages win over new ones;
/// the sender retransmits the refused one later). The buffer for a message is
/// allocated at its first fragment; the per-fragment bookkeeping is a bitmap.</item>
/// <item>Partials that received no new fragment for <see cref="ReassemblerLimits.MaxAge"/>
/// are evicted, checked on every <see cref="Add"/> (O(1) when nothing is stale).</item>
/// </list>
/// A completed message is forgotten: a later retransmission of it starts a new
/// partial, so callers should first ask the <see cref="ReceiverWindow"/> whether the
/// message is still needed (<see cref="ReceiverWindow.Classify"/>).
/// Not thread-safe: use from one thread (the receive loop).
/// </summary>
public sealed class Reassembler
{
    private sealed class Partial(MessageKey key, uint length, uint count, long now)
    {
        public readonly MessageKey Key = key;
        public readonly uint Length = length;
        public readonly uint Count = count;
        public readonly byte[] Buffer = new byte[length];
        public readonly ulong[] Received = new ulong[(count + 63) / 64];
        public uint ReceivedCount;
        public long LastProgress = now;
        public LinkedListNode<Partial>? Node;
    }

    private readonly Dictionary<MessageKey, Partial> _partials = [];
    private readonly LinkedList<Partial> _byAge = new(); // least recently progressed first
    private readonly TimeProvider _clock;

    public Reassembler(ReassemblerLimits? limits = null, TimeProvider? clock = null)
    {
        Limits = limits ?? ReassemblerLimits.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(Limits.MaxMessageBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(Limits.MaxPartialMessages, 1);
        _clock = clock ?? TimeProvider.System;
    }

    public ReassemblerLimits Limits { get; }

    /// <summary>Messages partly received now.</summary>
    public int PartialCount => _partials.Count;

    /// <summary>Bytes allocated for partly received messages now.</summary>
    public long PartialBytes { get; private set; }

    public long Completed { get; private set; }
    public long DuplicateFragments { get; private set; }
    public long Conflicts { get; private set; }
    public long RejectedTooLarge { get; private set; }
    public long RejectedLimit { get; private set; }
    public long Evicted { get; private set; }

    public ReassemblyResult Add(in Datagram fragment)
    {
        var key = MessageKey.Of(fragment);
        if (fragment.Kind != DatagramKind.Data) return new(ReassemblyStatus.NotData, key, null);
        long now = _clock.GetTimestamp();
        EvictStale(now);

        if (_partials.TryGetValue(key, out Partial? partial))
        {
            if (partial.Length != fragment.MessageLength || partial.Count != fragment.FragmentCount)
            {
                Conflicts++;
                return new(ReassemblyStatus.Conflict, key, null);
            }
            return Store(partial, fragment, now);
        }

        if (fragment.MessageLength > (uint)Limits.MaxMessageBytes)
        {
            RejectedTooLarge++;
            return new(ReassemblyStatus.TooLarge, key, null);
        }
        if (fragment.FragmentCount == 1)
        {
            Completed++;
            return new(ReassemblyStatus.Complete, key, fragment.Payload.Length == 0 ? [] : fragment.Payload.ToArray());
        }
        if (_partials.Count >= Limits.MaxPartialMessages || PartialBytes + fragment.MessageLength > Limits.MaxPartialBytes)
        {
            RejectedLimit++;
            return new(ReassemblyStatus.LimitReached, key, null);
        }
        partial = new Partial(key, fragment.MessageLength, fragment.FragmentCount, now);
        partial.Node = _byAge.AddLast(partial);
        _partials.Add(key, partial);
        PartialBytes += partial.Length;
        return Store(partial, fragment, now);
    }

    private ReassemblyResult Store(Partial partial, in Datagram fragment, long now)
    {
        uint index = fragment.FragmentIndex;
        ref ulong word = ref partial.Received[index / 64];
        ulong bit = 1UL << (int)(index % 64);
        if ((word & bit) != 0)
        {
            DuplicateFragments++;
            return new(ReassemblyStatus.DuplicateFragment, partial.Key, null);
        }
        word |= bit;
        fragment.Payload.Span.CopyTo(partial.Buffer.AsSpan((int)fragment.FragmentOffset));
        partial.ReceivedCount++;
        partial.LastProgress = now;
        if (partial.ReceivedCount < partial.Count)
        {
            _byAge.Remove(partial.Node!);
            _byAge.AddLast(partial.Node!);
            return new(ReassemblyStatus.Partial, partial.Key, null);
        }
        Remove(partial);
        Completed++;
        return new(ReassemblyStatus.Complete, partial.Key, partial.Buffer);
    }

    /// <summary>Drops partials that made no progress for <see cref="ReassemblerLimits.MaxAge"/>; returns how many.</summary>
    public int EvictStale() => EvictStale(_clock.GetTimestamp());

    private int EvictStale(long now)
    {
        int evicted = 0;
        while (_byAge.First is { } oldest && _clock.GetElapsedTime(oldest.Value.LastProgress, now) >= Limits.MaxAge)
        {
            Remove(oldest.Value);
            Evicted++;
            evicted++;
        }
        return evicted;
    }

    /// <summary>Drops the partial message with <paramref name="key"/>, if any (e.g. once it is known to be delivered).</summary>
    public bool Discard(MessageKey key)
    {
        if (!_partials.TryGetValue(key, out Partial? partial)) return false;
        Remove(partial);
        return true;
    }

    /// <summary>Drops every partial message of <paramref name="sender"/> (e.g. when it is known to have been reset).</summary>
    public int DiscardSender(Incarnation sender)
    {
        Partial[] doomed = _partials.Values.Where(p => p.Key.Sender == sender).ToArray();
        foreach (Partial p in doomed) Remove(p);
        return doomed.Length;
    }

    private void Remove(Partial partial)
    {
        _partials.Remove(partial.Key);
        _byAge.Remove(partial.Node!);
        PartialBytes -= partial.Length;
    }
}
