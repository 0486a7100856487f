namespace KenShell.Store;

/// <summary>The newest checkpoint was written by a different V8 build; loading it would abort V8.</summary>
/// <param name="message">What was found, naming both builds.</param>
/// <param name="newerKenshell">
/// The checkpoint comes from a newer kenshell (more host functions), not
/// just another V8 build: its turns may use what this one lacks, so it is
/// refused rather than migrated by replay.
/// </param>
public sealed class EngineMismatchException(string message, bool newerKenshell = false) : Exception(message)
{
    public bool NewerKenshell { get; } = newerKenshell;
}
