namespace KenShell.Messaging;

/// <summary>
/// The result of <see cref="DatagramCodec.TryDecode(ReadOnlySpan{byte}, out Datagram, AddressStringCache?)"/>:
/// <see cref="Ok"/>, or why the bytes are not a valid datagram. The transport counts
/// dropped datagrams by this reason.
/// </summary>
public enum DecodeStatus
{
    Ok = 0,
    /// <summary>Fewer bytes than the fixed header and checksum.</summary>
    TooShort,
    /// <summary>The first four bytes are not "KENM".</summary>
    BadMagic,
    /// <summary>A format version this code does not speak.</summary>
    UnsupportedVersion,
    /// <summary>Byte 5 is not a <see cref="DatagramKind"/>.</summary>
    UnknownKind,
    /// <summary>The lengths in the header do not add up to the datagram's size.</summary>
    BadLength,
    /// <summary>The CRC32C does not match: damaged in transit, or not ours.</summary>
    BadChecksum,
    /// <summary>An address length of zero or more than <see cref="PeerAddress.MaxLength"/>.</summary>
    BadAddressLength,
    /// <summary>An address that is not the canonical text of a valid <see cref="PeerAddress"/>.</summary>
    BadAddress,
    /// <summary>The sender incarnation is zero.</summary>
    ZeroSenderIncarnation,
    /// <summary>An ACK or RESET-NOTICE without the incarnation it is addressed to.</summary>
    ZeroReceiverIncarnation,
    /// <summary>DATA with sequence 0, a stream start of 0 or a stream start after the sequence.</summary>
    BadSequence,
    /// <summary>A message length above <see cref="DatagramCodec.MaxMessageLength"/>.</summary>
    MessageTooLarge,
    /// <summary>A fragment payload above <see cref="DatagramCodec.MaxFragmentPayload"/>.</summary>
    PayloadTooLarge,
    /// <summary>Fragment count zero, index not below count, or more fragments than the message allows.</summary>
    BadFragment,
    /// <summary>A payload length other than the one the message length and fragment count imply for this index.</summary>
    BadFragmentLayout,
    /// <summary>An ACK or RESET-NOTICE with data fields set (sequence, fragment fields, payload).</summary>
    BadControlFields,
}
