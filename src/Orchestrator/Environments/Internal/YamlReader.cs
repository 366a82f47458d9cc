using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Environments.Internal;

/// <summary>
/// Typed reads from a YAML representation tree that record a diagnostic, with the node's
/// position, for every mismatch instead of stopping at the first one.
/// </summary>
internal sealed class YamlReader(string file, List<Diagnostic> diagnostics)
{
    public string File => file;

    public SourceLocation At(YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);

    public void Error(YamlNode node, string message) => diagnostics.Add(new Diagnostic(At(node), message));

    public void Error(SourceLocation location, string message) => diagnostics.Add(new Diagnostic(location, message));

    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        Error(node, $"{what} must be a mapping of keys to values");
        return null;
    }

    /// <summary>Reports every key of <paramref name="mapping"/> that is not in <paramref name="allowed"/>.</summary>
    public void RejectUnknownKeys(YamlMappingNode mapping, string context, params string[] allowed)
    {
        foreach (var key in mapping.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (allowed.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            var hint = Names.ClosestMatch(name, allowed) is { } guess ? $"did you mean '{guess}'? " : "";
            Error(key, $"unknown key '{name}' in {context} ({hint}expected one of: {string.Join(", ", allowed)})");
        }
    }

    public static YamlNode? Get(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public string? String(YamlMappingNode mapping, string key, string context, bool required)
    {
        var node = Get(mapping, key);
        if (node is null)
        {
            if (required)
            {
                Error(mapping, $"missing required key '{key}' in {context}");
            }

            return null;
        }

        if (node is not YamlScalarNode { Value: { } value } || IsNull(node))
        {
            Error(node, $"'{key}' in {context} must be a single value");
            return null;
        }

        return value;
    }

    public int? Int(YamlMappingNode mapping, string key, string context, bool required, int min, int max)
    {
        var text = String(mapping, key, context, required);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Error(Get(mapping, key)!, $"'{key}' in {context} must be a whole number from {min} to {max}, not '{text}'");
        return null;
    }

    public bool? Bool(YamlMappingNode mapping, string key, string context)
    {
        var text = String(mapping, key, context, required: false);
        switch (text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Error(Get(mapping, key)!, $"'{key}' in {context} must be true or false, not '{text}'");
                return null;
        }
    }

    public IReadOnlyList<(string Value, YamlNode Node)> StringList(YamlMappingNode mapping, string key, string context)
    {
        var node = Get(mapping, key);
        if (node is null || IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            Error(node, $"'{key}' in {context} must be a list, such as [a, b]");
            return [];
        }

        var items = new List<(string, YamlNode)>();
        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode { Value: { } value } && !IsNull(item))
            {
                items.Add((value, item));
            }
            else
            {
                Error(item, $"each entry of '{key}' in {context} must be a single value");
            }
        }

        return items;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "" or "~" or "null" or "Null" or "NULL" };
}
