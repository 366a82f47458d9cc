using Orchestrator.Processes;

namespace Orchestrator.Tests.Local;

public sealed class ProcessPipelineTests
{
    [Fact]
    public async Task The_consumer_gets_everything_and_the_caller_sees_both_edges_of_a_long_stream()
    {
        var counted = Path.Combine(Path.GetTempPath(), $"pipe-{Guid.NewGuid():N}");
        try
        {
            string? head = null, tail = null;
            await ProcessPipeline.PipeAsync(
                new ProcessSpec("sh", ["-c", "printf START; head -c 300000 /dev/zero | tr '\\0' x; printf END"]),
                new ProcessSpec("sh", ["-c", "wc -c > \"$1\"", "sh", counted]),
                1000,
                (h, t) => (head, tail) = (h, t),
                CancellationToken.None);

            Assert.Equal("300008", (await File.ReadAllTextAsync(counted)).Trim());
            Assert.Equal(1000, head!.Length);
            Assert.StartsWith("STARTxxx", head, StringComparison.Ordinal);
            Assert.Equal(1000, tail!.Length);
            Assert.EndsWith("xxxEND", tail, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(counted);
        }
    }
}
