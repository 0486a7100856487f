namespace KenShell.Store;

/// <summary>
/// One committed turn as the turn log keeps it: enough to replay the turn
/// exactly on top of the state after the turn before it.
/// </summary>
/// <param name="Turn">The turn's number; consecutive across the whole log.</param>
/// <param name="Source">The input, exactly as evaluated (any .NET string, unpaired surrogates included).</param>
/// <param name="Tape">Opaque: the nondeterministic values the turn consumed (clock, randomness, what require read from the disk: module sources can make it several MB; see native/src/tape.h), fed back on replay.</param>
/// <param name="OutputDigest">CRC32C of the turn's output; replay recomputes it and compares.</param>
/// <param name="Status">Opaque to the log (how the turn ended, as the shell defines it).</param>
/// <param name="TimeMs">When the turn was committed (Unix milliseconds), for .history; 0 = not recorded (records written before the field existed).</param>
public sealed record TurnRecord(ulong Turn, string Source, byte[] Tape, uint OutputDigest, byte Status, long TimeMs = 0);
