using System.Runtime.InteropServices;

namespace Orchestrator.Engines.MariaDb.Native;

/// <summary>
/// The parts of MariaDB Connector/C (libmariadb.so.3, Debian package libmariadb3) this tool
/// uses. Signatures follow mysql.h on LP64 Linux: unsigned long and my_ulonglong are 64-bit.
/// </summary>
internal static unsafe partial class MariaDbNative
{
    public const int OptConnectTimeout = 0;
    public const int OptSetCharsetName = 7;
    public const int OptReadTimeout = 11;
    public const int OptWriteTimeout = 12;
    public const int OptSslVerifyServerCert = 21;
    public const int OptSslEnforce = 38;

    /// <summary>CLIENT_MULTI_STATEMENTS: one query may hold several statements (SQL scripts, batches).</summary>
    public const ulong ClientMultiStatements = 1UL << 16;

    private const string Library = "libmariadb.so.3";

    [LibraryImport(Library)]
    public static partial int mysql_server_init(int argc, nint argv, nint groups);

    [LibraryImport(Library)]
    public static partial nint mysql_init(nint mysql);

    [LibraryImport(Library)]
    public static partial int mysql_options(nint mysql, int option, void* argument);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint mysql_real_connect(nint mysql, string? host, string user, string? password, string? database, uint port, string? unixSocket, nuint clientFlags);

    [LibraryImport(Library)]
    public static partial int mysql_real_query(nint mysql, byte* query, nuint length);

    [LibraryImport(Library)]
    public static partial nint mysql_store_result(nint mysql);

    [LibraryImport(Library)]
    public static partial uint mysql_field_count(nint mysql);

    [LibraryImport(Library)]
    public static partial uint mysql_num_fields(nint result);

    [LibraryImport(Library)]
    public static partial nint mysql_fetch_field_direct(nint result, uint index);

    [LibraryImport(Library)]
    public static partial nint mysql_fetch_row(nint result);

    [LibraryImport(Library)]
    public static partial nuint* mysql_fetch_lengths(nint result);

    [LibraryImport(Library)]
    public static partial void mysql_free_result(nint result);

    [LibraryImport(Library)]
    public static partial ulong mysql_affected_rows(nint mysql);

    /// <summary>0: another result follows; -1: no more results; above 0: the next statement failed.</summary>
    [LibraryImport(Library)]
    public static partial int mysql_next_result(nint mysql);

    [LibraryImport(Library)]
    public static partial uint mysql_errno(nint mysql);

    [LibraryImport(Library)]
    public static partial nint mysql_error(nint mysql);

    [LibraryImport(Library)]
    public static partial nint mysql_get_server_info(nint mysql);

    [LibraryImport(Library)]
    public static partial nuint mysql_real_escape_string(nint mysql, byte* to, byte* from, nuint length);

    [LibraryImport(Library)]
    public static partial void mysql_close(nint mysql);
}
