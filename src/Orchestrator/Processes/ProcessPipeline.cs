using System.Diagnostics;
using System.Text;

namespace Orchestrator.Processes;

/// <summary>
/// Streams one program's output into another's input (a dump into a client) without a
/// temporary file, letting the caller see the head (and, when piping, the tail) of the stream.
/// </summary>
internal static class ProcessPipeline
{
    /// <param name="onEdges">Shown the first and the last <paramref name="edgeBytes"/> of the stream once it ended (they overlap when it is short).</param>
    public static async Task PipeAsync(ProcessSpec producer, ProcessSpec consumer, int edgeBytes, Action<string, string> onEdges, CancellationToken cancellationToken)
    {
        using var source = new Process { StartInfo = ProcessRunner.StartInfo(producer, redirectInput: false) };
        using var sink = new Process { StartInfo = ProcessRunner.StartInfo(consumer, redirectInput: true) };
        var sourceErrors = new StringBuilder();
        var sinkOutput = new StringBuilder();
        source.ErrorDataReceived += (_, e) => Append(sourceErrors, e.Data);
        sink.OutputDataReceived += (_, e) => Append(sinkOutput, e.Data);
        sink.ErrorDataReceived += (_, e) => Append(sinkOutput, e.Data);
        source.Start();
        sink.Start();
        source.BeginErrorReadLine();
        sink.BeginOutputReadLine();
        sink.BeginErrorReadLine();
        try
        {
            var buffer = new byte[1 << 16];
            var head = new MemoryStream();
            var tail = new Queue<byte[]>();
            var tailLength = 0;
            var input = source.StandardOutput.BaseStream;
            var output = sink.StandardInput.BaseStream;
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (head.Length < edgeBytes)
                {
                    head.Write(buffer, 0, Math.Min(read, edgeBytes - (int)head.Length));
                }

                // The last chunks, as many as cover edgeBytes.
                tail.Enqueue(buffer[..read]);
                tailLength += read;
                while (tailLength - tail.Peek().Length >= edgeBytes)
                {
                    tailLength -= tail.Dequeue().Length;
                }

                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            var last = tail.SelectMany(chunk => chunk).ToArray();
            onEdges(Encoding.UTF8.GetString(head.ToArray()), Encoding.UTF8.GetString(last, Math.Max(0, last.Length - edgeBytes), Math.Min(last.Length, edgeBytes)));

            sink.StandardInput.Close();
            await Task.WhenAll(source.WaitForExitAsync(cancellationToken), sink.WaitForExitAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            source.Kill(entireProcessTree: true);
            sink.Kill(entireProcessTree: true);
            throw;
        }
        catch (IOException) when (sink.HasExited)
        {
            // The consumer stopped reading: its exit code and output say why, not the producer's kill.
            source.Kill(entireProcessTree: true);
            await source.WaitForExitAsync(cancellationToken);
            throw new ProcessFailedException(ProcessRunner.Describe(consumer, new ProcessResult(sink.ExitCode, "", sinkOutput.ToString())));
        }

        if (source.ExitCode != 0)
        {
            throw new ProcessFailedException(ProcessRunner.Describe(producer, new ProcessResult(source.ExitCode, "", sourceErrors.ToString())));
        }

        if (sink.ExitCode != 0)
        {
            throw new ProcessFailedException(ProcessRunner.Describe(consumer, new ProcessResult(sink.ExitCode, "", sinkOutput.ToString())));
        }
    }

    /// <summary>
    /// Writes a program's output to <paramref name="path"/>, showing <paramref name="onHead"/>
    /// the output so far after each chunk until <paramref name="headBytes"/> have passed.
    /// </summary>
    public static async Task CaptureToFileAsync(ProcessSpec producer, string path, int headBytes, Action<string> onHead, CancellationToken cancellationToken)
    {
        using var source = new Process { StartInfo = ProcessRunner.StartInfo(producer, redirectInput: false) };
        var errors = new StringBuilder();
        source.ErrorDataReceived += (_, e) => Append(errors, e.Data);
        source.Start();
        source.BeginErrorReadLine();
        try
        {
            await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 20, FileOptions.Asynchronous);
            var buffer = new byte[1 << 20];
            var head = new MemoryStream();
            int read;
            while ((read = await source.StandardOutput.BaseStream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (head.Length < headBytes)
                {
                    head.Write(buffer, 0, Math.Min(read, headBytes - (int)head.Length));
                    onHead(Encoding.UTF8.GetString(head.GetBuffer(), 0, (int)head.Length));
                }

                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await source.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            source.Kill(entireProcessTree: true);
            throw;
        }

        if (source.ExitCode != 0)
        {
            throw new ProcessFailedException(ProcessRunner.Describe(producer, new ProcessResult(source.ExitCode, "", errors.ToString())));
        }
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is not null)
        {
            lock (builder)
            {
                builder.AppendLine(line);
            }
        }
    }
}
