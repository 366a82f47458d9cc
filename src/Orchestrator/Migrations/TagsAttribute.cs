namespace Orchestrator.Migrations;

/// <summary>
/// Limits a migration to environments that select its tags (migrations.tags in the environment
/// file). Untagged migrations always run. With several [Tags] attributes, any one may match.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TagsAttribute : Attribute
{
    public TagsAttribute(params string[] tags)
        : this(TagBehavior.RequireAll, tags)
    {
    }

    public TagsAttribute(TagBehavior behavior, params string[] tags)
    {
        Behavior = behavior;
        Tags = tags;
    }

    public TagBehavior Behavior { get; }

    public IReadOnlyList<string> Tags { get; }

    public bool IsSatisfiedBy(IReadOnlyCollection<string> selected) =>
        Behavior == TagBehavior.RequireAll ? Tags.All(selected.Contains) : Tags.Any(selected.Contains);
}
