using System.IO.MemoryMappedFiles;

namespace KenShell.Store;

/// <summary>
/// A checkpoint file's bytes, read for one restore. A large file is mapped
/// read-only instead of being copied into a managed array: V8 copies the
/// snapshot into its own heap anyway, and a managed copy as large as the
/// snapshot would stay resident long after the restore (the large-object
/// heap is collected late), adding about a third to a restored heap's
/// resident memory.
/// </summary>
internal sealed unsafe class CheckpointFileView : IDisposable
{
    private const long MapFrom = 16L << 20;

    private readonly byte[]? _array;
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _pointer;

    public CheckpointFileView(string path)
    {
        long length = new FileInfo(path).Length;
        if (length < MapFrom || length > int.MaxValue)
        {
            _array = File.ReadAllBytes(path);
            Length = _array.LongLength;
            return;
        }
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            _view = _map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _pointer);
            _pointer += _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _map.Dispose();
            throw;
        }
        Length = length;
    }

    public long Length { get; }

    public ReadOnlySpan<byte> Span => _array ?? new ReadOnlySpan<byte>(_pointer, (int)Length);

    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
