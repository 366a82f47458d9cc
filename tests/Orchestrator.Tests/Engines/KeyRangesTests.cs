using Orchestrator.Engines.MariaDb;

namespace Orchestrator.Tests.Engines;

/// <summary>How a restored table's keys are cut for checksums summed side by side.</summary>
public sealed class KeyRangesTests
{
    [Fact]
    public void Keys_are_cut_into_contiguous_ranges_of_near_equal_width_that_cover_them_all()
    {
        Assert.Equal([((Int128)1, (Int128)5), (6, 10)], KeyRanges.Split(1, 10, 2));
        Assert.Equal([((Int128)(-3), (Int128)(-2)), (-1, 0), (1, 3)], KeyRanges.Split(-3, 3, 3));
        Assert.Equal([((Int128)5, (Int128)5)], KeyRanges.Split(5, 5, 4));
        Assert.Equal([((Int128)0, (Int128)long.MaxValue), ((Int128)long.MaxValue + 1, (Int128)ulong.MaxValue)], KeyRanges.Split(0, ulong.MaxValue, 2));
    }
}
