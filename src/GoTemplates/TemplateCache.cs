using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace GoTemplates;

/// <summary>Keeps parsed templates keyed by their name, mode and content so each text is parsed only once.</summary>
public sealed class TemplateCache(IReadOnlyDictionary<string, TemplateFunction>? functions = null, int capacity = 1024)
{
    private readonly ConcurrentDictionary<string, Lazy<GoTemplate>> _entries = new();

    public int Count => _entries.Count;

    public GoTemplate Get(string name, string text, TemplateMode mode = TemplateMode.Text)
    {
        string key = Key(name, text, mode);
        if (_entries.TryGetValue(key, out var hit)) return hit.Value;
        if (_entries.Count >= capacity) _entries.Clear();
        var entry = _entries.GetOrAdd(key, _ => new Lazy<GoTemplate>(() => GoTemplate.Parse(name, text, mode, functions)));
        try
        {
            return entry.Value;
        }
        catch
        {
            // Do not keep failures: the same text would fail again, but a fixed file must parse anew.
            _entries.TryRemove(key, out _);
            throw;
        }
    }

    private static string Key(string name, string text, TemplateMode mode)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return $"{(int)mode}:{name}:{Convert.ToHexString(hash)}";
    }
}
