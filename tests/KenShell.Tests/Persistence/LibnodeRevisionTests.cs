using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// A store written with the libnode108 of one Debian revision opens with
/// another revision of the same V8 directly from its checkpoint, both ways
/// (build.sh takes whichever the mirror serves).
/// </summary>
public sealed class LibnodeRevisionTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private const string Setup =
        "function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s }\n" +
        "for (let i = 0; i < 300; i++) hot(10000); 0\n" +
        "var data = { list: Array.from({ length: 50000 }, (_, i) => ({ i })), m: new Map([[1, 'one']]), nf: new Intl.NumberFormat('de') }; 0\n" +
        "var mem = new WebAssembly.Memory({ initial: 1 }); new Uint8Array(mem.buffer)[7] = 77\n";

    private const string Probe =
        "[hot(10), data.list.length, data.list[49999].i, data.m.get(1), data.nf.format(1234.5), new Uint8Array(mem.buffer)[7], [1, 2].at(-1)].join()\n";

    private const string Expected = "'24,50000,49999,one,1.234,5,77,2'";

    [Fact]
    public void AStoreOpensUnderEveryOtherServedRevisionAndBack()
    {
        // ./build.sh test unpacks every other revision the mirror serves with
        // the same V8; when the mirror serves only one, there is nothing to move to.
        if (!Directory.Exists(KenshellPaths.AlternativeLibnodes)) return;
        string[] others = Directory.GetDirectories(KenshellPaths.AlternativeLibnodes)
            .Where(d => Path.GetFileName(d) != KenshellPaths.BuiltLibnodeRevision).ToArray();
        foreach (string other in others)
        {
            var alternative = new Dictionary<string, string>
            {
                ["LD_LIBRARY_PATH"] = Path.Combine(other, "usr", "lib", "x86_64-linux-gnu"),
            };
            var built = new Dictionary<string, string>();
            foreach (string f in Directory.GetFiles(_dir.Path)) File.Delete(f);

            // Written by the revision kenshell was built with, read by the other, and back.
            foreach (var (writer, reader) in new[] { (built, alternative), (alternative, built) })
            {
                foreach (string f in Directory.GetFiles(_dir.Path)) File.Delete(f);
                KenshellResult first = Kenshell.RunWith(writer, _dir.Path, Setup + Probe + ".checkpoint\n");
                Assert.Equal(0, first.ExitCode);
                Assert.Equal(Expected, first.StdoutLines.Last());
                Assert.DoesNotContain("warning", first.Stderr);
                // The checkpoint of the last turn is written (exit waits for it
                // a second); if not, ask again in a session of its own.
                if (!_dir.Checkpoints().Any(c => c.Turn >= 5))
                {
                    Kenshell.RunWith(writer, _dir.Path, ".checkpoint\n");
                }
                Assert.Contains(_dir.Checkpoints(), c => c.Turn >= 5);

                KenshellResult second = Kenshell.RunWith(reader, _dir.Path, Probe);
                Assert.Equal(0, second.ExitCode);
                Assert.Equal([Expected], second.StdoutLines);
                Assert.Contains("+ 0 turns replayed", second.Stderr); // from the checkpoint, not by replay
                Assert.DoesNotContain("warning", second.Stderr);
                Assert.DoesNotContain("compatibility mode", second.Stderr);
            }
        }
    }

    public void Dispose() => _dir.Dispose();
}
