using Orchestrator.Environments;

namespace Orchestrator.Local;

/// <summary>The admin and replication accounts with their passwords resolved.</summary>
public sealed record EnvironmentCredentials(string AdminUser, Secret AdminPassword, string ReplicationUser, Secret ReplicationPassword);
