namespace Orchestrator.Backups;

/// <summary>
/// One table's row count and content checksum: the sum, over its rows, of a hash of each
/// row's text, so it does not depend on the order rows are stored or read in.
/// </summary>
internal sealed record TableChecksum(string Table, long Rows, string Checksum);
