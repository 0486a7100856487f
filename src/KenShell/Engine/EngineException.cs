namespace KenShell.Engine;

/// <summary>The engine (libkenv8 / V8) could not do what was asked.</summary>
public sealed class EngineException(string message) : Exception(message);
