using System.Diagnostics;
using System.Text;
using Orchestrator.Hosts.Local;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>tcpdump on a docker network's bridge: every packet between its containers, and to them from this machine.</summary>
internal sealed class BridgeCapture : IAsyncDisposable
{
    private readonly Process _tcpdump;

    private BridgeCapture(Process tcpdump, string file)
    {
        _tcpdump = tcpdump;
        File = file;
    }

    public string File { get; }

    public static async Task<BridgeCapture> StartAsync(string bridge, string file)
    {
        var start = new ProcessStartInfo("tcpdump") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-i", bridge, "-n", "--immediate-mode", "-U", "-s", "0", "-w", file })
        {
            start.ArgumentList.Add(argument);
        }

        var tcpdump = Process.Start(start) ?? throw new InvalidOperationException("tcpdump did not start (scripts/setup.sh installs it)");
        var capture = new BridgeCapture(tcpdump, file);

        // It says so once it captures.
        var listening = await tcpdump.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (listening is null || !listening.Contains("listening on", StringComparison.Ordinal))
        {
            await capture.DisposeAsync();
            throw new InvalidOperationException($"tcpdump on {bridge} did not start capturing: {listening}");
        }

        return capture;
    }

    /// <summary>
    /// Stops the capture (SIGINT, so that it writes what it holds) and returns the file's bytes.
    /// Packets still in the kernel's ring when the signal arrives are lost, even in immediate mode
    /// (a busy machine may not have scheduled tcpdump yet): with <paramref name="awaited"/>, the
    /// capture first waits, up to 10 s, until its file holds that text.
    /// </summary>
    public async Task<byte[]> StopAsync(string? awaited = null)
    {
        var clock = Stopwatch.StartNew();
        while (awaited is not null && !_tcpdump.HasExited && clock.Elapsed < TimeSpan.FromSeconds(10) && !Holds(await System.IO.File.ReadAllBytesAsync(File), awaited))
        {
            await Task.Delay(100);
        }

        if (!_tcpdump.HasExited)
        {
            Libc.Kill(_tcpdump.Id, Libc.SigInt);
            await _tcpdump.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }

        return await System.IO.File.ReadAllBytesAsync(File);
    }

    public static bool Holds(byte[] capture, string text) => capture.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;

    public async ValueTask DisposeAsync()
    {
        if (!_tcpdump.HasExited)
        {
            _tcpdump.Kill();
            await _tcpdump.WaitForExitAsync();
        }

        _tcpdump.Dispose();
        System.IO.File.Delete(File);
    }
}
