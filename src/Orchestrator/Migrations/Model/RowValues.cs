namespace Orchestrator.Migrations.Model;

/// <summary>Column values in the order the migration gave them (from an anonymous object or a dictionary).</summary>
public sealed class RowValues : List<KeyValuePair<string, object?>>
{
    public static RowValues From(object values)
    {
        var row = new RowValues();
        if (values is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            row.AddRange(pairs);
            return row;
        }

        if (values is System.Collections.IDictionary dictionary)
        {
            foreach (System.Collections.DictionaryEntry entry in dictionary)
            {
                row.Add(new(entry.Key.ToString()!, entry.Value));
            }

            return row;
        }

        foreach (var property in values.GetType().GetProperties())
        {
            row.Add(new(property.Name, property.GetValue(values)));
        }

        return row;
    }
}
