using System.Runtime.InteropServices;
using System.Text;
using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.Engines.MariaDb.Native;

/// <summary>
/// One Connector/C connection, used synchronously by one thread at a time (the library's
/// rule); <see cref="MariaDbSession"/> adds the async surface. All text is utf8mb4.
/// </summary>
internal sealed unsafe class MariaDbConnection : IDisposable
{
    private static readonly Lock InitGate = new();
    private static bool _libraryInitialized;
    private nint _handle;

    private MariaDbConnection(nint handle) => _handle = handle;

    public string ServerVersion => Marshal.PtrToStringUTF8(MariaDbNative.mysql_get_server_info(_handle)) ?? "";

    public static MariaDbConnection Open(ConnectionTarget target, TimeSpan timeout)
    {
        // mysql_server_init must run once before any thread calls mysql_init.
        lock (InitGate)
        {
            if (!_libraryInitialized)
            {
                MariaDbNative.mysql_server_init(0, 0, 0);
                _libraryInitialized = true;
            }
        }

        var handle = MariaDbNative.mysql_init(0);
        if (handle == 0)
        {
            throw new DatabaseException("MariaDB client: out of memory in mysql_init", "2008");
        }

        var seconds = (uint)Math.Max(1, timeout.TotalSeconds);
        MariaDbNative.mysql_options(handle, MariaDbNative.OptConnectTimeout, &seconds);
        var readWrite = (uint)3600;
        MariaDbNative.mysql_options(handle, MariaDbNative.OptReadTimeout, &readWrite);
        MariaDbNative.mysql_options(handle, MariaDbNative.OptWriteTimeout, &readWrite);
        var charset = "utf8mb4\0"u8;
        fixed (byte* name = charset)
        {
            MariaDbNative.mysql_options(handle, MariaDbNative.OptSetCharsetName, name);
        }

        if (target.Socket is null && target.Tls is TlsMode.Require or TlsMode.VerifyFull)
        {
            byte on = 1;
            MariaDbNative.mysql_options(handle, MariaDbNative.OptSslEnforce, &on);
            byte verify = target.Tls == TlsMode.VerifyFull ? (byte)1 : (byte)0;
            MariaDbNative.mysql_options(handle, MariaDbNative.OptSslVerifyServerCert, &verify);
        }

        var host = target.Socket is null ? target.Host : "localhost";
        var connected = MariaDbNative.mysql_real_connect(
            handle, host, target.User, target.Password?.Reveal(), target.Database, (uint)target.Port, target.Socket, (nuint)MariaDbNative.ClientMultiStatements);
        if (connected == 0)
        {
            var error = ErrorOf(handle, $"could not connect to {target}");
            MariaDbNative.mysql_close(handle);
            throw error;
        }

        var connection = new MariaDbConnection(handle);
        if (target.Socket is null && target.Tls is TlsMode.Require or TlsMode.VerifyFull)
        {
            // Connector/C does not always refuse a server without TLS, so check what was negotiated.
            var cipher = connection.Run("SHOW SESSION STATUS LIKE 'Ssl_cipher'").Rows.SingleOrDefault()?.GetString("Value");
            if (string.IsNullOrEmpty(cipher))
            {
                connection.Dispose();
                throw new DatabaseException($"could not connect to {target}: TLS is required (tls: {target.Tls.ToString().ToLowerInvariant()}) but the server did not encrypt the connection; is TLS enabled on it?", "2026");
            }
        }

        return connection;
    }

    /// <summary>
    /// Runs the statement(s) in <paramref name="sql"/>; returns the first result set's rows and the
    /// last statement's affected row count. The server stops at the first failing statement, whose
    /// 0-based position the exception carries.
    /// </summary>
    public (IReadOnlyList<DbRow> Rows, long Affected) Run(string sql)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        var bytes = Encoding.UTF8.GetBytes(sql);
        fixed (byte* query = bytes)
        {
            if (MariaDbNative.mysql_real_query(_handle, query, (nuint)bytes.Length) != 0)
            {
                throw ErrorOf(_handle, "statement failed", statementIndex: 0);
            }
        }

        IReadOnlyList<DbRow>? rows = null;
        long affected = 0;
        for (var index = 0; ; index++)
        {
            var result = MariaDbNative.mysql_store_result(_handle);
            if (result == 0)
            {
                if (MariaDbNative.mysql_field_count(_handle) != 0)
                {
                    throw ErrorOf(_handle, "reading the result failed", index);
                }

                affected = (long)MariaDbNative.mysql_affected_rows(_handle);
            }
            else
            {
                try
                {
                    rows ??= ReadRows(result);
                }
                finally
                {
                    MariaDbNative.mysql_free_result(result);
                }
            }

            var next = MariaDbNative.mysql_next_result(_handle);
            if (next < 0)
            {
                return (rows ?? [], affected);
            }

            if (next > 0)
            {
                throw ErrorOf(_handle, "statement failed", index + 1);
            }
        }
    }

    /// <summary>Escapes a string for use inside single quotes, using the connection's character set.</summary>
    public string Escape(string value)
    {
        var source = Encoding.UTF8.GetBytes(value);
        var target = new byte[(source.Length * 2) + 1];
        nuint length;
        fixed (byte* from = source)
        fixed (byte* to = target)
        {
            length = MariaDbNative.mysql_real_escape_string(_handle, to, from, (nuint)source.Length);
        }

        return Encoding.UTF8.GetString(target, 0, (int)length);
    }

    public void Dispose()
    {
        if (_handle != 0)
        {
            MariaDbNative.mysql_close(_handle);
            _handle = 0;
        }
    }

    private static List<DbRow> ReadRows(nint result)
    {
        var count = MariaDbNative.mysql_num_fields(result);
        var names = new string[count];
        for (uint i = 0; i < count; i++)
        {
            // MYSQL_FIELD starts with "char *name".
            var field = MariaDbNative.mysql_fetch_field_direct(result, i);
            names[i] = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(field)) ?? $"column{i}";
        }

        var rows = new List<DbRow>();
        nint row;
        while ((row = MariaDbNative.mysql_fetch_row(result)) != 0)
        {
            var lengths = MariaDbNative.mysql_fetch_lengths(result);
            var values = new Dictionary<string, object?>((int)count);
            for (var i = 0; i < count; i++)
            {
                var cell = Marshal.ReadIntPtr(row, i * IntPtr.Size);
                values[names[i]] = cell == 0 ? null : Encoding.UTF8.GetString((byte*)cell, (int)lengths[i]);
            }

            rows.Add(new DbRow(values));
        }

        return rows;
    }

    private static DatabaseException ErrorOf(nint handle, string context, int? statementIndex = null)
    {
        var number = MariaDbNative.mysql_errno(handle);
        var message = Marshal.PtrToStringUTF8(MariaDbNative.mysql_error(handle)) ?? "unknown error";
        return new DatabaseException($"{context}: {message} (MariaDB error {number})", number.ToString(System.Globalization.CultureInfo.InvariantCulture), null, statementIndex);
    }
}
