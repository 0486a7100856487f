using KenShell.Engine;

namespace KenShell.Store;

/// <summary>A heap restored from a checkpoint file.</summary>
public sealed record LoadedCheckpoint(JsShell Shell, ulong Turn, string Path, long Bytes, TimeSpan Elapsed);
