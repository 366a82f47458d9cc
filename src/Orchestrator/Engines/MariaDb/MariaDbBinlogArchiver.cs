using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Orchestrator.Environments;
using Orchestrator.Hosts.Local;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.Replication;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// What archives a MariaDB environment's binary logs: MariaDB has no archive command, so a small
/// shell program on this machine, started by 'up' in a session of its own and stopped by 'down',
/// copies every closed binary log of every node (a container's from its volume, which an engine on
/// this machine keeps in its data root) into <c>ARCHIVE/binlog/NODE/GENERATION/</c> (synced, 0600, with
/// its SHA-256 beside it), and has a node whose log changed since its last switch rotate it once the
/// archive timeout passed, which bounds what a lost node takes with it. A generation is a node's
/// line of binary logs since its logs were last reset (named by its first log's opening events),
/// so a node restored or cloned again, whose logs start at 000001 again, never overwrites an
/// earlier line.
/// </summary>
internal sealed class MariaDbBinlogArchiver(LocalContext context, MariaDbNodeFiles files, ArchiveSettings? archive) : ILogArchiver
{
    public const string ProgramFileName = "binlog-archiver.sh";

    public const string PidFileName = "binlog-archiver.pid";

    public const string LogFileName = "binlog-archiver.log";

    /// <summary>The file in a generation's folder that pruning writes: the oldest log it kept, below which the archiver copies nothing again.</summary>
    public const string PrunedBelowFile = "pruned-below";

    /// <summary>Where an event's length is in its header: timestamp (4), type (1), server id (4).</summary>
    private const int EventLengthOffset = 9;

    /// <summary>An event header's length.</summary>
    private const int EventHeaderEnd = 19;

    /// <summary>Where the flags of a binary log's format description event are: magic (4), timestamp (4), type (1), server id (4), length (4), next position (4).</summary>
    private const int FlagsOffset = 21;

    /// <summary>LOG_EVENT_BINLOG_IN_USE_F: set while the server writes the log, cleared when it closes it.</summary>
    private const byte InUse = 0x1;

    /// <summary>The program. Arguments: ARCHIVE STATE TIMEOUT CLIENT USER ONCE, then NODE DATADIR SOCKET per node.</summary>
    public const string Program = """
        #!/bin/bash
        # Written by orchestrator: archives the closed binary logs of each node (see the README's
        # point-in-time recovery). Arguments: ARCHIVE STATE TIMEOUT CLIENT USER ONCE, then
        # NODE DATADIR SOCKET per node. ONCE=1 makes one pass without switching logs, then exits.
        set -u
        # Descriptors inherited from whoever started the tool (a lock held by a test runner) are not ours to keep open.
        for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null; fi; done
        archive=$1 state=$2 timeout=$3 client=$4 user=$5 once=$6
        shift 6
        nodes=("$@")
        pidfile="$state/binlog-archiver.pid"
        umask 077
        if [ "$once" != 1 ]; then echo $$ > "$pidfile.new" && mv "$pidfile.new" "$pidfile"; fi
        # SIGTERM ends the loop between steps, never in the middle of a copy.
        stopping=0
        trap 'stopping=1' TERM INT
        declare -A switched_at switched_pos
        stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }
        # A log is closed when a later one follows it, or when its in-use flag is clear (a clean shutdown).
        closed() {
          [ "$2" != 0 ] && return 0
          local flags
          flags=$(od -An -tu1 -j21 -N1 "$1" 2>/dev/null) || return 1
          [ -n "$flags" ] && [ $((flags & 1)) -eq 0 ]
        }
        # A whole copy appears under its name only after its checksum; an archived log is never replaced.
        copy() {
          local t="$2/.$3.$$"
          if [ -f "$2/$3" ]; then
            cmp -s "$1" "$2/$3" && return 0
            echo "$(stamp) $2/$3 is archived already with other contents; left as it is" >&2
            return 1
          fi
          if cp "$1" "$t" && sync "$t" && sha256sum "$t" | cut -c1-64 > "$t.sha256" && sync "$t.sha256" \
             && mv "$t.sha256" "$2/$3.sha256" && mv "$t" "$2/$3" && sync "$2"; then
            return 0
          fi
          rm -f "$t" "$t.sha256"
          return 1
        }
        # A line of logs is named by its first log's opening events (format description and GTID
        # list, written when the log is made), its flags (bytes 22 and 23, which change when the log
        # closes) zeroed. Fails while they are not all written yet.
        generation() {
          local fde list end
          fde=$(od -An -tu4 -j13 -N4 "$1" 2>/dev/null) && [ -n "$fde" ] || return 1
          list=$(od -An -tu4 -j$((4 + fde + 9)) -N4 "$1" 2>/dev/null) && [ -n "$list" ] || return 1
          end=$((4 + fde + list))
          [ "$(stat -c %s "$1")" -ge "$end" ] || return 1
          { head -c 21 "$1" && printf '\0\0' && tail -c +24 "$1" | head -c $((end - 23)); } | sha256sum | cut -c1-16
        }
        pass() {
          local i j node data socket logs gen dir last f pos now
          for ((i = 0; i < ${#nodes[@]}; i += 3)); do
            node=${nodes[i]} data=${nodes[i+1]} socket=${nodes[i+2]}
            [ -f "$data/binlog.index" ] || continue
            mapfile -t logs < <(sed 's|^\./||' "$data/binlog.index")
            [ ${#logs[@]} -gt 0 ] || continue
            gen=$(generation "$data/${logs[0]}") || continue
            dir="$archive/binlog/$node/$gen"
            last=$((${#logs[@]} - 1))
            for ((j = 0; j <= last && stopping == 0; j++)); do
              f=${logs[j]}
              [ -f "$dir/$f" ] && continue
              # Pruned from the archive: no kept backup needs it, so it is not copied again.
              if [ -f "$dir/pruned-below" ] && [[ "$f" < "$(cat "$dir/pruned-below")" ]]; then continue; fi
              closed "$data/$f" $((last - j)) || continue
              mkdir -p "$dir" && chmod 700 "$archive/binlog" "$archive/binlog/$node" "$dir" || break
              if copy "$data/$f" "$dir" "$f"; then echo "$(stamp) $node: archived $f ($gen)"; else echo "$(stamp) $node: could not archive $f" >&2; break; fi
            done
            [ "$once" = 1 ] && continue
            [ -S "$socket" ] || continue
            pos=$("$client" --no-defaults --socket="$socket" --user="$user" -N -B -e 'SELECT @@gtid_binlog_pos' 2>/dev/null) || continue
            now=$(date +%s)
            if [ -z "${switched_at[$node]:-}" ]; then switched_at[$node]=0; fi
            if [ "$pos" != "${switched_pos[$node]:-}" ] && [ $((now - switched_at[$node])) -ge "$timeout" ]; then
              if "$client" --no-defaults --socket="$socket" --user="$user" -e 'FLUSH BINARY LOGS' 2>/dev/null; then
                switched_at[$node]=$now switched_pos[$node]=$pos
              fi
            fi
          done
        }
        if [ "$once" = 1 ]; then pass; exit 0; fi
        # Partial copies left by a run that was cut short.
        find "$archive/binlog" -type f -name '.binlog.*' -delete 2>/dev/null
        echo "$(stamp) archiving the binary logs of $((${#nodes[@]} / 3)) nodes into $archive/binlog every second, switching logs after ${timeout}s"
        while [ "$stopping" = 0 ] && [ -d "$state" ] && [ "$(cat "$pidfile" 2>/dev/null)" = "$$" ]; do
          pass
          sleep 1 &
          wait $!
        done
        echo "$(stamp) stopped"
        """;

    private string ProgramFile => Path.Combine(context.State.Root, ProgramFileName);

    private string PidFile => Path.Combine(context.State.Root, PidFileName);

    /// <summary>What the running archiver was started with (its program and arguments), to tell when it must start again.</summary>
    private string ArgumentsFile => Path.Combine(context.State.Root, ArgumentsFileName);

    private const string ArgumentsFileName = "binlog-archiver.args";

    /// <summary>Where ONCE is in the program's arguments (its path, then ARCHIVE STATE TIMEOUT CLIENT USER ONCE).</summary>
    private const int OnceArgument = 6;

    /// <summary>Where the first node's three arguments start in the program's arguments.</summary>
    private const int FirstNodeArgument = 7;

    public string LogFile => Path.Combine(context.State.Root, LogFileName);

    /// <summary>The folder of a node's generations in the archive.</summary>
    public static string NodeFolder(ArchiveSettings archive, string node) => Path.Combine(archive.Directory, "binlog", node);

    /// <summary>
    /// The generation a line of binary logs belongs to: the first hex digits of the SHA-256 of its
    /// first log's opening events (format description and GTID list, written when the log is made),
    /// their flags zeroed, as the program computes it; null while they are not all written.
    /// </summary>
    public static string? Generation(string firstLog)
    {
        using var stream = File.OpenRead(firstLog);
        var head = new byte[4 + EventHeaderEnd];
        if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length)
        {
            return null;
        }

        var description = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4 + EventLengthOffset));
        var listHeader = new byte[EventHeaderEnd];
        stream.Position = 4 + description;
        if (stream.ReadAtLeast(listHeader, listHeader.Length, throwOnEndOfStream: false) < listHeader.Length)
        {
            return null;
        }

        var end = 4 + description + BinaryPrimitives.ReadUInt32LittleEndian(listHeader.AsSpan(EventLengthOffset));
        if (stream.Length < end)
        {
            return null;
        }

        var opening = new byte[end];
        stream.Position = 0;
        stream.ReadExactly(opening);

        // Its flags change when the log closes (the in-use flag); the rest never does.
        opening.AsSpan(FlagsOffset, 2).Clear();
        return Convert.ToHexStringLower(SHA256.HashData(opening))[..16];
    }

    /// <summary>Whether the server is done writing a log: a later one follows it, or its in-use flag is clear.</summary>
    public static bool IsClosed(string log, bool last)
    {
        if (!last)
        {
            return true;
        }

        using var stream = File.OpenRead(log);
        stream.Position = FlagsOffset;
        var flags = stream.ReadByte();
        return flags >= 0 && (flags & InUse) == 0;
    }

    /// <summary>The logs a node's binlog.index lists, oldest first (bare names).</summary>
    public static IReadOnlyList<string> Logs(string dataDirectory)
    {
        var index = Path.Combine(dataDirectory, "binlog.index");
        return File.Exists(index) ? File.ReadAllLines(index).Where(l => l.Length > 0).Select(l => Path.GetFileName(l)).ToList() : [];
    }

    /// <summary>The pid of the running archiver, or null.</summary>
    public int? RunningPid() => RunningPid(context.State.Root);

    private static int? RunningPid(string stateRoot)
    {
        var pidFile = Path.Combine(stateRoot, PidFileName);
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !Libc.ProcessExists(pid))
        {
            return null;
        }

        try
        {
            // This environment's program, by its full path: another environment's archiver may hold a stale pid.
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Contains(Path.Combine(stateRoot, ProgramFileName)) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Starts the archiver, or starts it again when the file changed what it does (nodes, archive
    /// folder, timeout) or this tool's program differs; stops one left running after the file
    /// dropped backup.archive.
    /// </summary>
    public async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        if (archive is not { } settings)
        {
            await StopAsync(cancellationToken);
            return;
        }

        var running = await ArgumentsAsync(settings, cancellationToken);
        var arguments = string.Join('\0', [Program, .. running]);
        if (RunningPid() is not null)
        {
            if (File.Exists(ArgumentsFile) && await File.ReadAllTextAsync(ArgumentsFile, cancellationToken) == arguments)
            {
                return;
            }

            await StopAsync(cancellationToken);
        }

        await context.Progress.StepAsync(context.Environment.Name, $"start the binary-log archiver (into {settings.Directory}; logs switch after {settings.Timeout.TotalSeconds:0}s; its log: {LogFile})", async () =>
        {
            Directory.CreateDirectory(settings.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await File.WriteAllTextAsync(ProgramFile, Program.ReplaceLineEndings("\n") + "\n", cancellationToken);
            File.SetUnixFileMode(ProgramFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // Whole or not at all: status and down read the nodes' data directories from it.
            await File.WriteAllTextAsync(ArgumentsFile + ".new", arguments, cancellationToken);
            File.Move(ArgumentsFile + ".new", ArgumentsFile, overwrite: true);
            await ProcessRunner.StartDetachedAsync(new ProcessSpec("/bin/bash", running), LogFile, cancellationToken);
            await Poll.UntilAsync(() => Task.FromResult(RunningPid() is not null), TimeSpan.FromSeconds(10), () => $"the binary-log archiver did not start; see {LogFile}", cancellationToken);
        });
    }

    /// <summary>Stops the archiver, then archives what the stopped servers closed (a clean shutdown closes the last log).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (RunningPid() is { } pid)
        {
            Libc.Kill(pid, 15);
            await Poll.UntilAsync(() => Task.FromResult(!Libc.ProcessExists(pid)), TimeSpan.FromSeconds(30), () => $"the binary-log archiver (pid {pid}) did not stop", cancellationToken);
        }

        if (archive is { } settings && File.Exists(ProgramFile))
        {
            // Over what the archiver followed, where it found each node's data directory then;
            // with no record of it, over the nodes as this file has them now.
            var arguments = RecordedArguments(context.State.Root) ?? [.. await ArgumentsAsync(settings, cancellationToken)];
            arguments[OnceArgument] = "1";
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("/bin/bash", arguments), cancellationToken);
        }
    }

    public IReadOnlyList<string> Problems() => archive is { } settings ? Problems(context.State, settings) : [];

    /// <summary>
    /// What keeps the archive from being current: the archiver not running, or a node's closed
    /// log not archived within a few seconds of closing. Empty when all is well.
    /// </summary>
    public static IReadOnlyList<string> Problems(State.StateLayout state, ArchiveSettings archive)
    {
        var logFile = Path.Combine(state.Root, LogFileName);
        if (!Directory.Exists(state.Root))
        {
            return [];
        }

        if (RunningPid(state.Root) is null)
        {
            return [$"the binary-log archiver is not running, so closed binary logs are not archived and a point-in-time restore cannot reach past the last archived one; run 'up' to start it again (its log: {logFile})"];
        }

        var problems = new List<string>();
        foreach (var (node, data) in FollowedNodes(state.Root))
        {
            var logs = Logs(data);
            if (logs.Count == 0)
            {
                continue;
            }

            if (Generation(Path.Combine(data, logs[0])) is not { } generation)
            {
                continue;
            }

            var folder = Path.Combine(NodeFolder(archive, node), generation);
            var prunedBelow = Path.Combine(folder, PrunedBelowFile) is var mark && File.Exists(mark) ? File.ReadAllText(mark).Trim() : "";
            var late = logs.Select((log, i) => (log, i))
                .Where(l => string.CompareOrdinal(l.log, prunedBelow) >= 0)
                .Where(l => IsClosed(Path.Combine(data, l.log), l.i == logs.Count - 1) && !File.Exists(Path.Combine(folder, l.log))
                    && File.GetLastWriteTimeUtc(Path.Combine(data, l.log)) < DateTime.UtcNow.AddSeconds(-10))
                .Select(l => l.log)
                .ToList();
            if (late.Count > 0)
            {
                problems.Add($"'{node}' has closed binary logs that the archiver has not archived for over 10 s ({string.Join(", ", late)}): see {logFile} (a full or unwritable archive folder, or a different copy already there)");
            }
        }

        return problems;
    }

    /// <summary>The program's arguments; a node's data directory is where this machine sees it (a container's is on its volume).</summary>
    private async Task<List<string>> ArgumentsAsync(ArchiveSettings settings, CancellationToken cancellationToken)
    {
        var dataDirectories = await Task.WhenAll(context.Environment.Nodes.Select(n => files.Host.VisibleHereAsync(n, files.DataDir(n), cancellationToken)));
        return
        [
            ProgramFile, settings.Directory, context.State.Root, ((long)settings.Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            files.Clients.Path("mariadb"), MariaDbSetupSql.SocketUser, "0",
            .. context.Environment.Nodes.SelectMany((n, i) => new[] { n.Name, dataDirectories[i], files.SocketForTool(n) }),
        ];
    }

    /// <summary>
    /// The arguments the running archiver was started with (its path, six settings, and three per
    /// node), from the record <see cref="EnsureRunningAsync"/> keeps after the program's text;
    /// null when none was started here or the record is damaged.
    /// </summary>
    private static string[]? RecordedArguments(string stateRoot)
    {
        var file = Path.Combine(stateRoot, ArgumentsFileName);
        var arguments = File.Exists(file) ? File.ReadAllText(file).Split('\0')[1..] : null;
        return arguments is { Length: > FirstNodeArgument } && (arguments.Length - FirstNodeArgument) % 3 == 0 ? arguments : null;
    }

    /// <summary>The nodes the running archiver follows and their data directories as it reads them.</summary>
    private static IEnumerable<(string Node, string DataDirectory)> FollowedNodes(string stateRoot)
    {
        var arguments = RecordedArguments(stateRoot) ?? [];
        for (var i = FirstNodeArgument; i + 2 < arguments.Length; i += 3)
        {
            yield return (arguments[i], arguments[i + 1]);
        }
    }
}
