using KenShell.Messaging;
using Xunit;

namespace KenShell.Tests.Messaging;

/// <summary>The KENSHELL_NET_FAULTS spec.</summary>
public sealed class NetworkFaultsTests
{
    [Fact]
    public void AFullSpecParses()
    {
        NetworkFaults f = NetworkFaults.Parse("loss=0.2,dup=0.1,reorder=0.2,seed=7");
        Assert.Equal((0.2, 0.1, 0.2, 7), (f.Loss, f.Duplicate, f.Reorder, f.Seed));
        Assert.Equal(TimeSpan.FromMilliseconds(20), f.MaxDelay);
        Assert.False(f.IsNone);
        Assert.Equal(f, NetworkFaults.Parse(f.ToString().Replace("delay=20,", "")));
    }

    [Fact]
    public void KeysAreFlexible()
    {
        NetworkFaults f = NetworkFaults.Parse(" seed = -3 , DUPLICATE=1, delay=2.5,, loss=0 ");
        Assert.Equal((0.0, 1.0, 0.0, -3), (f.Loss, f.Duplicate, f.Reorder, f.Seed));
        Assert.Equal(TimeSpan.FromMilliseconds(2.5), f.MaxDelay);
        Assert.True(NetworkFaults.Parse("").IsNone);
        Assert.True(NetworkFaults.Parse("seed=5").IsNone);
    }

    [Theory]
    [InlineData("loss", "not KEY=VALUE")]
    [InlineData("=0.1", "not KEY=VALUE")]
    [InlineData("drop=0.1", "unknown key 'drop'")]
    [InlineData("loss=abc", "loss='abc' is not a number")]
    [InlineData("loss=NaN", "is not a number")]
    [InlineData("loss=1.5", "not a probability")]
    [InlineData("dup=-0.1", "not a probability")]
    [InlineData("loss=0.1,loss=0.2", "'loss' is given twice")]
    [InlineData("dup=0.1,duplicate=0.2", "'dup' is given twice")]
    [InlineData("delay=-1", "not between 0 and 60000")]
    [InlineData("delay=1e9", "not between 0 and 60000")]
    [InlineData("seed=1.5", "not an integer")]
    public void BadSpecsSayWhatIsWrong(string spec, string why)
    {
        FormatException e = Assert.Throws<FormatException>(() => NetworkFaults.Parse(spec));
        Assert.Contains(why, e.Message);
        Assert.Contains("KENSHELL_NET_FAULTS", e.Message);
    }
}
