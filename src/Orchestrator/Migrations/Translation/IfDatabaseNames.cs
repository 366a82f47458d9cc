using System.Reflection;
using System.Reflection.Emit;
using FluentMigrator;

namespace Orchestrator.Migrations.Translation;

/// <summary>
/// The database names a migration class passes to <c>IfDatabase("...")</c> as literals, read from
/// the compiled IL of its methods: FluentMigrator matches them silently, so a misspelt name just
/// skips its expressions. Names built at run time are not seen. Pure (reflection only).
/// </summary>
internal static class IfDatabaseNames
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every name FluentMigrator knows for a database (its processor and generator ids), compared case-insensitively.</summary>
    public static IReadOnlySet<string> Known { get; } = typeof(ProcessorIdConstants)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Concat(["PostgreSQL9_2", "MySQL 5", "MySQL 8"])
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Of(Type migration)
    {
        var names = new List<string>();
        foreach (var type in new[] { migration }.Concat(migration.GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public)))
        {
            foreach (var method in type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                names.AddRange(Scan(method));
            }
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    private static List<string> Scan(MethodInfo method)
    {
        var found = new List<string>();
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is InvalidOperationException or BadImageFormatException or TypeLoadException)
        {
            return found;
        }

        var pending = new List<string>();
        var i = 0;
        while (il is not null && i < il.Length)
        {
            var value = il[i] == 0xFE && i + 1 < il.Length ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += value > 0xFF || value < 0 ? 2 : 1;
            if (!OpCodesByValue.TryGetValue(value, out var op))
            {
                return found;
            }

            var operand = i + 4 <= il.Length ? BitConverter.ToInt32(il, i) : 0;
            if (op == OpCodes.Ldstr)
            {
                pending.Add(Resolve(() => method.Module.ResolveString(operand)) ?? "");
            }
            else if (op == OpCodes.Newarr)
            {
                pending.Clear();
            }
            else if (op == OpCodes.Call || op == OpCodes.Callvirt)
            {
                if (Resolve<MethodBase>(() => method.Module.ResolveMethod(operand)!) is { Name: "IfDatabase" } called
                    && called.GetParameters() is [{ ParameterType: var parameter }] && parameter == typeof(string[]))
                {
                    found.AddRange(pending.Where(p => p.Length > 0));
                }

                pending.Clear();
            }

            i += OperandSize(op, il, i);
        }

        return found;
    }

    private static T? Resolve<T>(Func<T> resolve)
        where T : class
    {
        try
        {
            return resolve();
        }
        catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMemberException or FileNotFoundException)
        {
            return null;
        }
    }

    private static int OperandSize(OpCode op, byte[] il, int at) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * (at + 4 <= il.Length ? BitConverter.ToInt32(il, at) : 0)),
        _ => 4,
    };
}
