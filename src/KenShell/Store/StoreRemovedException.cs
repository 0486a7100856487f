namespace KenShell.Store;

/// <summary>
/// The store's files were removed (rm ken_*) while this shell ran: nothing
/// more can be saved, and going on would commit turns to deleted files while
/// a second shell may already run a new store under the same names. Not a
/// <see cref="TurnLogException"/>: the turn is not rolled back and retried,
/// the shell stops.
/// </summary>
public sealed class StoreRemovedException : IOException
{
    public StoreRemovedException(string message) : base(message) { }
}
