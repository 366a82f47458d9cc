using System.Data.Common;

namespace Orchestrator.Data;

/// <summary>
/// Running one driver command for an <see cref="IDbSession"/>: the command is disposed, and the
/// driver's own exception becomes a <see cref="DatabaseException"/> (each session knows how).
/// </summary>
internal static class DriverCommands
{
    public static async Task<long> ExecuteAsync<TError>(DbCommand command, Func<TError, DatabaseException> translate, CancellationToken cancellationToken)
        where TError : DbException
    {
        await using (command)
        {
            try
            {
                return await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (TError e)
            {
                throw translate(e);
            }
        }
    }

    public static async Task<IReadOnlyList<DbRow>> QueryAsync<TError>(DbCommand command, Func<TError, DatabaseException> translate, CancellationToken cancellationToken)
        where TError : DbException
    {
        await using (command)
        {
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                return await DbRow.ReadAllAsync(reader, cancellationToken);
            }
            catch (TError e)
            {
                throw translate(e);
            }
        }
    }
}
