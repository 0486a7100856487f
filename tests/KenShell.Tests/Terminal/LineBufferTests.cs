using KenShell.Terminal;
using Xunit;

namespace KenShell.Tests.Terminal;

public sealed class LineBufferTests
{
    private static LineBuffer At(string text, int cursor)
    {
        var buffer = new LineBuffer();
        buffer.Set(text, cursor);
        return buffer;
    }

    [Fact]
    public void InsertAndDeleteAroundTheCursor()
    {
        var b = At("helo", 3);
        b.Insert("l");
        Assert.Equal(("hello", 4), (b.Text, b.Cursor));
        Assert.True(b.DeleteBefore());
        Assert.Equal(("helo", 3), (b.Text, b.Cursor));
        Assert.True(b.DeleteAt());
        Assert.Equal(("hel", 3), (b.Text, b.Cursor));
        Assert.False(b.DeleteAt());
        b.MoveHome();
        Assert.False(b.DeleteBefore());
    }

    [Fact]
    public void WordMotionStopsAtIdentifierBoundaries()
    {
        var b = At("const total = acct.deposit(50)", 30);
        b.WordLeft();
        Assert.Equal(27, b.Cursor); // 50
        b.WordLeft();
        Assert.Equal(19, b.Cursor); // deposit
        b.WordLeft();
        Assert.Equal(14, b.Cursor); // acct
        b.WordRight();
        Assert.Equal(18, b.Cursor);
        b.MoveHome();
        b.WordRight();
        Assert.Equal(5, b.Cursor);
    }

    [Fact]
    public void KillsReturnWhatTheyRemove()
    {
        var b = At("let answer = 42", 4);
        Assert.Equal("answer = 42", b.KillToEnd());
        Assert.Equal(("let ", 4), (b.Text, b.Cursor));
        b = At("let answer = 42", 10);
        Assert.Equal("let answer", b.KillToStart());
        Assert.Equal((" = 42", 0), (b.Text, b.Cursor));
        b = At("obj.method(arg", 14);
        Assert.Equal("arg", b.KillWordLeft());
        Assert.Equal("method(", b.KillWordLeft());
        Assert.Equal("obj.", b.Text);
        b = At("a + value * 2", 3);
        Assert.Equal(" value", b.KillWordRight());
        Assert.Equal("a + * 2", b.Text);
    }

    [Fact]
    public void TheCursorNeverSplitsASurrogatePair()
    {
        var b = At("a😀b", 4);
        b.MoveLeft();
        Assert.Equal(3, b.Cursor);
        b.MoveLeft();
        Assert.Equal(1, b.Cursor);
        b.MoveRight();
        Assert.Equal(3, b.Cursor);
        Assert.True(b.DeleteBefore());
        Assert.Equal("ab", b.Text);
    }

    [Fact]
    public void TransposeSwapsTheCharactersAroundTheCursor()
    {
        var b = At("teh", 3);
        b.Transpose();
        Assert.Equal("the", b.Text);
        b = At("abcd", 1);
        b.Transpose();
        Assert.Equal(("bacd", 2), (b.Text, b.Cursor));
    }
}
