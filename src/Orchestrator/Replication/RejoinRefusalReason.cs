namespace Orchestrator.Replication;

/// <summary>Why a former primary cannot follow its new source without losing or mixing data. Each leaves its data as it was, for 'replica rebuild'.</summary>
internal enum RejoinRefusalReason
{
    /// <summary>The node has no data directory to rejoin with.</summary>
    NoData,

    /// <summary>The node and the source were promoted separately onto one timeline (PostgreSQL): two histories under one number.</summary>
    SeparatePromotion,

    /// <summary>The source no longer has the WAL the node would replay from (its slot was invalidated).</summary>
    WalLost,

    /// <summary>pg_rewind failed.</summary>
    RewindFailed,

    /// <summary>The node committed transactions the source never received (MariaDB).</summary>
    TransactionsNotOnSource,

    /// <summary>
    /// The node failed while a migration ran on it (MariaDB): a schema change made then can
    /// survive its crash recovery although its binary log, and so every other node, lacks it; or
    /// its binary log holds one after commits nobody acknowledged, which its crash recovery
    /// cannot cut out, so it does not start as a replica.
    /// </summary>
    MigrationAtCrash,
}
