using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Store;

/// <summary>
/// A full disk (a real, tiny tmpfs the test mounts): the turn that cannot be
/// logged is rolled back with a clear error, its output is not released,
/// the shell goes on, and once there is room again nothing is lost.
/// Needs permission to mount; where that is refused, the test says so in its
/// output and does nothing else.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _mount = Directory.CreateTempSubdirectory("kenshell-fullfs-").FullName;
    private bool _mounted;

    [Fact]
    public void ATurnThatCannotBeLoggedOnAFullDiskIsRolledBackAndTheShellGoesOn()
    {
        // Room for a new store's first checkpoint (3.5 MB since the runtime
        // carries the vendored packages and Node's built-in modules); the
        // test fills the rest to the last byte anyway.
        if (SystemTool.Run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", _mount) != 0)
        {
            output.WriteLine("SKIPPED: mounting a tmpfs is not permitted here; the disk-full test did not run.");
            return;
        }
        _mounted = true;
        Assert.Equal(["1"], Kenshell.Run(_mount, "x = 1\n").StdoutLines);

        // Fill the file system to the last byte.
        string filler = Path.Combine(_mount, "filler");
        using (var fill = new FileStream(filler, FileMode.Create))
        {
            var block = new byte[4096];
            try { while (true) fill.Write(block); } catch (IOException) { }
        }
        string big = new string('a', 20000);
        KenshellResult r = Kenshell.Run(_mount, $"console.log('not released'); x = 2; var pad = '{big}'; pad.length\nx\n");
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("not released", r.Stdout);
        Assert.Equal(["1"], r.StdoutLines);
        Assert.Contains("No space left on device", r.Stderr);
        Assert.Contains("rolled back", r.Stderr);

        File.Delete(filler);
        KenshellResult after = Kenshell.Run(_mount, "x\ntypeof pad\nx = 3\n");
        Assert.Equal(["1", "'undefined'", "3"], after.StdoutLines);
    }

    public void Dispose()
    {
        if (_mounted) SystemTool.Run("umount", _mount);
        try { Directory.Delete(_mount, recursive: true); } catch (IOException) { }
    }
}
