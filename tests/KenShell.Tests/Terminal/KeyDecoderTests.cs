using System.Text;
using KenShell.Terminal;
using Xunit;

namespace KenShell.Tests.Terminal;

public sealed class KeyDecoderTests
{
    private static List<KeyPress> Decode(string bytes, bool flush = true)
    {
        var decoder = new KeyDecoder();
        decoder.Feed(Encoding.UTF8.GetBytes(bytes));
        var keys = new List<KeyPress>();
        while (decoder.TryNext(out KeyPress key, flush)) keys.Add(key);
        return keys;
    }

    [Theory]
    [InlineData("\x1b[A", KeyKind.Up)]
    [InlineData("\x1bOA", KeyKind.Up)]          // application cursor mode (what .NET turns on)
    [InlineData("\x1b[B", KeyKind.Down)]
    [InlineData("\x1b[C", KeyKind.Right)]
    [InlineData("\x1bOD", KeyKind.Left)]
    [InlineData("\x1b[H", KeyKind.Home)]
    [InlineData("\x1bOH", KeyKind.Home)]
    [InlineData("\x1b[1~", KeyKind.Home)]
    [InlineData("\x1b[7~", KeyKind.Home)]
    [InlineData("\x1b[F", KeyKind.End)]
    [InlineData("\x1b[4~", KeyKind.End)]
    [InlineData("\x1b[8~", KeyKind.End)]
    [InlineData("\x1b[3~", KeyKind.Delete)]
    [InlineData("\x1b[1;5C", KeyKind.WordRight)] // Ctrl-Right
    [InlineData("\x1b[1;5D", KeyKind.WordLeft)]
    [InlineData("\x1b[1;3D", KeyKind.WordLeft)]  // Alt-Left
    [InlineData("\x1b" + "b", KeyKind.WordLeft)]   // Alt-B
    [InlineData("\x1b" + "f", KeyKind.WordRight)]
    [InlineData("\x1b" + "d", KeyKind.DeleteWordRight)]
    [InlineData("\x1b\x7f", KeyKind.DeleteWordLeft)]
    [InlineData("\r", KeyKind.Enter)]
    [InlineData("\n", KeyKind.Enter)]
    [InlineData("\t", KeyKind.Tab)]
    [InlineData("\x7f", KeyKind.Backspace)]
    [InlineData("\b", KeyKind.Backspace)]
    [InlineData("\x1b[2~", KeyKind.Ignored)]     // Insert
    [InlineData("\x1b[201~", KeyKind.Ignored)]   // a stray end-of-paste marker
    [InlineData("\x1b", KeyKind.Escape)]         // alone, nothing after it
    public void DecodesTheSequencesTerminalsSend(string bytes, KeyKind expected)
    {
        Assert.Equal([KeyPress.Of(expected)], Decode(bytes));
    }

    [Fact]
    public void ControlLettersAndUtf8Text()
    {
        Assert.Equal([KeyPress.Ctrl('a'), KeyPress.Ctrl('r'), KeyPress.Ctrl('c')], Decode("\x01\x12\x03"));
        Assert.Equal(["a", "é", "中", "😀"], Decode("aé中😀").Select(k => k.Text));
        Assert.All(Decode("aé中😀"), k => Assert.Equal(KeyKind.Text, k.Kind));
    }

    [Fact]
    public void ASequenceSplitAcrossReadsWaitsForItsRest()
    {
        var decoder = new KeyDecoder();
        decoder.Feed("\x1b["u8);
        Assert.False(decoder.TryNext(out _));
        decoder.Feed("1;5"u8);
        Assert.False(decoder.TryNext(out _));
        decoder.Feed("Cx"u8);
        Assert.True(decoder.TryNext(out KeyPress first));
        Assert.Equal(KeyKind.WordRight, first.Kind);
        Assert.True(decoder.TryNext(out KeyPress second));
        Assert.Equal("x", second.Text);

        // A UTF-8 character split across reads, likewise.
        byte[] euro = Encoding.UTF8.GetBytes("€");
        decoder.Feed(euro.AsSpan(0, 1));
        Assert.False(decoder.TryNext(out _));
        decoder.Feed(euro.AsSpan(1));
        Assert.True(decoder.TryNext(out KeyPress e));
        Assert.Equal("€", e.Text);
    }

    [Fact]
    public void ABracketedPasteIsOneKeyWithItsLineBreaks()
    {
        var decoder = new KeyDecoder();
        decoder.Feed("\x1b[200~a(1,\r"u8);
        Assert.False(decoder.TryNext(out _)); // the end has not arrived yet
        decoder.Feed(" 2)\n\x1b[201~x"u8);
        Assert.True(decoder.TryNext(out KeyPress paste));
        Assert.Equal(new KeyPress(KeyKind.Paste, "a(1,\r 2)\n"), paste);
        Assert.True(decoder.TryNext(out KeyPress after));
        Assert.Equal("x", after.Text);

        // An end that never comes: what arrived is pasted once input pauses.
        decoder.Feed("\x1b[200~half"u8);
        Assert.False(decoder.TryNext(out _));
        Assert.True(decoder.TryNext(out KeyPress partial, flush: true));
        Assert.Equal(new KeyPress(KeyKind.Paste, "half"), partial);
    }

    [Fact]
    public void GarbageNeverStopsTheDecoder()
    {
        var random = new Random(7);
        var decoder = new KeyDecoder();
        var bytes = new byte[20000];
        random.NextBytes(bytes);
        decoder.Feed(bytes);
        int keys = 0;
        while (decoder.TryNext(out _, flush: true)) keys++;
        Assert.False(decoder.HasPartial);
        Assert.InRange(keys, 1, bytes.Length);
        decoder.Feed("ok"u8);
        Assert.True(decoder.TryNext(out KeyPress after));
        Assert.Equal("o", after.Text);
    }
}
