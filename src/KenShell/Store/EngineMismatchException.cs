namespace KenShell.Store;

/// <summary>The newest checkpoint was written by a different V8 build; loading it would abort V8.</summary>
public sealed class EngineMismatchException(string message) : Exception(message);
