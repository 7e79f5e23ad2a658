using System.Collections.Frozen;
using System.Text;
using GoTemplates.Html;
using GoTemplates.Parsing;

namespace GoTemplates;

public enum TemplateMode
{
    /// <summary>Go's text/template: output is written as is.</summary>
    Text,
    /// <summary>Go's html/template: actions are escaped for the HTML, URL, JavaScript or CSS context they appear in.</summary>
    Html,
}

/// <summary>
/// A parsed Go template with its {{define}}d companions. Parsing happens once; <see cref="Execute"/>
/// may be called from many threads at the same time.
/// </summary>
public sealed class GoTemplate
{
    private readonly FrozenDictionary<string, ListNode> _trees;
    private readonly Dictionary<string, string> _escapeErrors;

    private GoTemplate(string name, TemplateMode mode, FrozenDictionary<string, ListNode> trees, Dictionary<string, string> escapeErrors)
    {
        Name = name;
        Mode = mode;
        _trees = trees;
        _escapeErrors = escapeErrors;
    }

    public string Name { get; }
    public TemplateMode Mode { get; }
    /// <summary>The templates of the set; copies made for other HTML contexts are not listed.</summary>
    public IEnumerable<string> TemplateNames => _trees.Keys.Where(n => !n.Contains("$htmltemplate_", StringComparison.Ordinal));

    /// <summary>Parses <paramref name="text"/>. Throws <see cref="TemplateParseException"/> ("template: name:line:col: problem").</summary>
    /// <param name="functions">Extra functions, such as <see cref="Sprig.SprigFunctions.Hermetic"/>; they take precedence over the built-ins, as in Go.</param>
    public static GoTemplate Parse(string name, string text, TemplateMode mode = TemplateMode.Text,
        IReadOnlyDictionary<string, TemplateFunction>? functions = null) =>
        ParseFiles(name, [new KeyValuePair<string, string>(name, text)], mode, functions);

    /// <summary>
    /// Parses several files into one set, as Go's ParseFiles and ParseGlob do: each file becomes a template named
    /// after it, every {{define}} is shared, and <paramref name="name"/> is the template that <see cref="Execute"/> runs.
    /// </summary>
    public static GoTemplate ParseFiles(string name, IEnumerable<KeyValuePair<string, string>> files, TemplateMode mode = TemplateMode.Text,
        IReadOnlyDictionary<string, TemplateFunction>? functions = null)
    {
        TemplateFunction? Lookup(string fn)
        {
            if (functions != null && functions.TryGetValue(fn, out var f)) return f;
            return Builtins.All.GetValueOrDefault(fn);
        }
        var trees = new Dictionary<string, ListNode>();
        foreach (var (fileName, text) in files) Parser.Parse(fileName, text, Lookup, trees);
        // As in Go, a template that cannot be escaped fails when it is executed, not when it is parsed.
        var escapeErrors = mode == TemplateMode.Html ? HtmlEscaper.Escape(trees, name) : [];
        return new GoTemplate(name, mode, trees.ToFrozenDictionary(), escapeErrors);
    }

    /// <summary>Runs the main template. Throws <see cref="TemplateExecutionException"/> on errors.</summary>
    public string Execute(object? data) => ExecuteTemplate(Name, data);

    public string ExecuteTemplate(string name, object? data)
    {
        // Start with room for what this template produced last time, to avoid growing the buffer.
        var sb = new StringBuilder(Math.Max(_lastLength, 256));
        ExecuteTemplate(sb, name, data);
        _lastLength = sb.Length;
        return sb.ToString();
    }

    private int _lastLength;

    public void ExecuteTemplate(StringBuilder output, string name, object? data)
    {
        if (_escapeErrors.TryGetValue(name, out var escapeError)) throw new TemplateExecutionException(escapeError);
        if (!_trees.TryGetValue(name, out var root))
            throw new TemplateExecutionException($"template: no template {GoQuote.Quote(name)} associated with template {GoQuote.Quote(Name)}");
        var executor = new Executor(_trees, name, output);
        try
        {
            executor.Run(root, GoValues.Normalize(data));
        }
        catch (InsufficientExecutionStackException)
        {
            throw new TemplateExecutionException($"template: {name}: exceeded maximum template depth ({Executor.MaxTemplateDepth})");
        }
        catch (Exception e) when (e is not (TemplateExecutionException or OutOfMemoryException))
        {
            // Data objects can throw from property getters or ToString; report it like any execution error.
            var inner = e is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : e;
            throw new TemplateExecutionException($"template: {name}: {inner.Message}");
        }
    }
}
