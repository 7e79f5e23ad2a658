using System.Text;
using GoTemplates.Parsing;

namespace GoTemplates.Html;

/// <summary>
/// Contextual auto-escaping as Go's html/template does it: walks the parsed trees, tracks the HTML, URL,
/// JavaScript or CSS context of every action and appends the matching escaping functions to its pipeline.
/// </summary>
internal sealed class HtmlEscaper
{
    private static readonly Dictionary<string, string> EquivalentEscapers = new()
    {
        ["_html_template_attrescaper"] = "html",
        ["_html_template_htmlescaper"] = "html",
        ["_html_template_rcdataescaper"] = "html",
        ["_html_template_urlescaper"] = "urlquery",
        ["_html_template_urlnormalizer"] = "urlquery",
    };

    private readonly Dictionary<string, ListNode> _trees;
    // Unescaped copies: a template called from another context is derived from these, never from an escaped tree.
    private readonly Dictionary<string, ListNode> _pristine;
    private readonly Dictionary<string, Context> _done;
    private Dictionary<string, Context> _output = [];
    private Dictionary<string, ListNode> _derived = [];
    private HashSet<string> _called = [];
    private Dictionary<ActionNode, List<string>> _actionEdits = [];
    private Dictionary<TextNode, string> _textEdits = [];
    private Dictionary<TemplateCallNode, string> _callEdits = [];

    private HtmlEscaper(Dictionary<string, ListNode> trees, Dictionary<string, ListNode> pristine, Dictionary<string, Context> done)
    {
        _trees = trees;
        _pristine = pristine;
        _done = done;
    }

    /// <summary>Escapes every template in place. Returns the escaping error of each template that has one.</summary>
    public static Dictionary<string, string> Escape(Dictionary<string, ListNode> trees, string mainName)
    {
        var errors = new Dictionary<string, string>();
        var done = new Dictionary<string, Context>();
        var pristine = trees.ToDictionary(kv => kv.Key, kv => CopyList(kv.Value));
        var names = trees.Keys.OrderBy(n => n == mainName ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            if (done.ContainsKey(name)) continue;
            var e = new HtmlEscaper(trees, pristine, done);
            var (c, _) = e.EscapeTree(new Context(), trees[name], name);
            if (c.State == State.Error) errors[name] = c.ErrorHasLocation ? $"html/template:{c.Error}" : $"html/template:{name}: {c.Error}";
            else if (c.State != State.Text) errors[name] = $"html/template:{name}: ends in a non-text context: {c}";
            else e.Commit();
        }
        return errors;
    }

    private HtmlEscaper Child() => new(_trees, _pristine, _done)
    {
        _output = new(_output),
        _derived = new(_derived),
        _called = [.. _called],
    };

    private void Merge(HtmlEscaper child)
    {
        foreach (var kv in child._output) _output[kv.Key] = kv.Value;
        foreach (var kv in child._derived) _derived[kv.Key] = kv.Value;
        foreach (var n in child._called) _called.Add(n);
        foreach (var kv in child._actionEdits) _actionEdits[kv.Key] = kv.Value;
        foreach (var kv in child._textEdits) _textEdits[kv.Key] = kv.Value;
        foreach (var kv in child._callEdits) _callEdits[kv.Key] = kv.Value;
    }

    private void Commit()
    {
        foreach (var kv in _output) _done[kv.Key] = kv.Value;
        foreach (var kv in _derived) _trees[kv.Key] = kv.Value;
        foreach (var kv in _actionEdits) EnsurePipelineContains(kv.Key.Pipe, kv.Value);
        foreach (var kv in _textEdits) kv.Key.Text = kv.Value;
        foreach (var kv in _callEdits) kv.Key.Name = kv.Value;
    }

    private (Context, string) EscapeTree(Context c, Node node, string name)
    {
        string dname = c.Mangle(name);
        _called.Add(dname);
        if (_done.TryGetValue(dname, out var finished)) return (finished, dname);
        if (_output.TryGetValue(dname, out var known)) return (known, dname);
        if (!_trees.TryGetValue(name, out var tree)) return (Context.Fail($"no such template {GoQuote.Quote(name)}", node), dname);
        if (dname != name)
        {
            if (!_trees.TryGetValue(dname, out var dt) && !_derived.TryGetValue(dname, out dt))
            {
                dt = CopyList(_pristine[name]);
                _derived[dname] = dt;
            }
            tree = dt;
        }
        return (ComputeOutContext(c, tree, dname), dname);
    }

    private Context ComputeOutContext(Context c, ListNode tree, string name)
    {
        var (c1, ok) = EscapeTemplateBody(c, tree, name);
        if (!ok)
        {
            var (c2, ok2) = EscapeTemplateBody(c1, tree, name);
            if (ok2) { c1 = c2; ok = true; }
        }
        if (!ok && c1.State != State.Error) return Context.Fail($"cannot compute output context for template {name}");
        return c1;
    }

    private (Context, bool) EscapeTemplateBody(Context c, ListNode tree, string name)
    {
        _output[name] = c;
        var child = Child();
        child._called.Remove(name);
        var c1 = child.EscapeList(c, tree);
        bool ok = c1.State != State.Error && (!child._called.Contains(name) || c.SameAs(c1));
        if (ok)
        {
            Merge(child);
            _output[name] = c1;
        }
        return (c1, ok);
    }

    private Context EscapeList(Context c, ListNode? list)
    {
        if (list == null) return c;
        foreach (var n in list.Nodes)
        {
            c = EscapeNode(c, n);
            if (c.State == State.Error) return c;
        }
        return c;
    }

    private Context EscapeNode(Context c, Node n) => n switch
    {
        ActionNode a => EscapeAction(c, a),
        BranchNode b => EscapeBranch(c, b),
        ListNode l => EscapeList(c, l),
        TemplateCallNode t => EscapeTemplateCall(c, t),
        TextNode t => EscapeText(c, t),
        _ => c,
    };

    private Context EscapeTemplateCall(Context c, TemplateCallNode t)
    {
        var (c1, dname) = EscapeTree(c, t, t.Name);
        if (dname != t.Name) _callEdits[t] = dname;
        return c1;
    }

    private Context EscapeBranch(Context c, BranchNode n)
    {
        string nodeName = n.Kind switch { BranchKind.If => "if", BranchKind.Range => "range", _ => "with" };
        var c0 = EscapeList(c, n.List);
        if (n.Kind == BranchKind.Range && c0.State != State.Error)
        {
            // The body of a range may run again, starting where it ended.
            var c1 = Child().EscapeList(c0, n.List);
            c0 = Join(c0, c1, nodeName);
            if (c0.State == State.Error) return c0.ErrorHasLocation ? c0 : Context.Fail("on range loop re-entry: " + c0.Error, n);
        }
        var ce = EscapeList(c, n.ElseList);
        var joined = Join(c0, ce, nodeName);
        return joined.State == State.Error && !joined.ErrorHasLocation ? Context.Fail(joined.Error!, n) : joined;
    }

    private static Context Join(Context a, Context b, string nodeName)
    {
        if (a.State == State.Error) return a;
        if (b.State == State.Error) return b;
        if (a.SameAs(b)) return a;
        var c = a with { UrlPart = b.UrlPart };
        if (c.SameAs(b)) return c with { UrlPart = UrlPart.Unknown };
        c = a with { JsCtx = b.JsCtx };
        if (c.SameAs(b)) return c with { JsCtx = JsCtx.Unknown };
        var na = Transitions.Nudge(a);
        var nb = Transitions.Nudge(b);
        if (!(na.SameAs(a) && nb.SameAs(b)))
        {
            var e = Join(na, nb, nodeName);
            if (e.State != State.Error) return e;
        }
        return Context.Fail($"{{{{{nodeName}}}}} branches end in different contexts: {a}, {b}");
    }

    private Context EscapeAction(Context c, ActionNode n)
    {
        if (n.Pipe.Decl.Count != 0) return c;
        c = Transitions.Nudge(c);
        for (int i = 0; i < n.Pipe.Commands.Count; i++)
        {
            if (n.Pipe.Commands[i].Args[0] is IdentifierNode { Name: "html" or "urlquery" } id)
            {
                if (i < n.Pipe.Commands.Count - 1 || (c.State == State.Attr && c.Delim == Delim.SpaceOrTagEnd && id.Name == "html"))
                    return Context.Fail($"predefined escaper {GoQuote.Quote(id.Name)} disallowed in template", n);
            }
        }
        var s = new List<string>(3);
        switch (c.State)
        {
            case State.Error:
                return c;
            case State.Url or State.CssDqStr or State.CssSqStr or State.CssDqUrl or State.CssSqUrl or State.CssUrl:
                switch (c.UrlPart)
                {
                    case UrlPart.None:
                        s.Add("_html_template_urlfilter");
                        s.Add(c.State is State.CssDqStr or State.CssSqStr ? "_html_template_cssescaper" : "_html_template_urlnormalizer");
                        break;
                    case UrlPart.PreQuery:
                        s.Add(c.State is State.CssDqStr or State.CssSqStr ? "_html_template_cssescaper" : "_html_template_urlnormalizer");
                        break;
                    case UrlPart.QueryOrFrag:
                        s.Add("_html_template_urlescaper");
                        break;
                    default:
                        return Context.Fail($"{n} appears in an ambiguous context within a URL", n);
                }
                break;
            case State.Js:
                s.Add("_html_template_jsvalescaper");
                c = c with { JsCtx = JsCtx.DivOp };
                break;
            case State.JsDqStr or State.JsSqStr:
                s.Add("_html_template_jsstrescaper");
                break;
            case State.JsBqStr:
                return Context.Fail($"{n} appears in a JS template literal", n);
            case State.JsRegexp:
                s.Add("_html_template_jsregexpescaper");
                break;
            case State.Css:
                s.Add("_html_template_cssvaluefilter");
                break;
            case State.Text:
                s.Add("_html_template_htmlescaper");
                break;
            case State.RcData:
                s.Add("_html_template_rcdataescaper");
                break;
            case State.Attr:
                break;
            case State.AttrName or State.Tag:
                c = c with { State = State.AttrName };
                s.Add("_html_template_htmlnamefilter");
                break;
            case State.Srcset:
                s.Add("_html_template_srcsetescaper");
                break;
            default:
                if (c.IsComment) s.Add("_html_template_commentescaper");
                else return Context.Fail($"unexpected state {c.State}");
                break;
        }
        switch (c.Delim)
        {
            case Delim.None:
                break;
            case Delim.SpaceOrTagEnd:
                s.Add("_html_template_nospaceescaper");
                break;
            default:
                s.Add("_html_template_attrescaper");
                break;
        }
        _actionEdits[n] = s;
        return c;
    }

    private static void EnsurePipelineContains(PipeNode p, List<string> s)
    {
        if (s.Count == 0) return;
        int pipelineLen = p.Commands.Count;
        if (pipelineLen > 0)
        {
            var lastCmd = p.Commands[pipelineLen - 1];
            if (lastCmd.Args[0] is IdentifierNode { Name: "html" or "urlquery" } id)
            {
                string esc = id.Name;
                if (p.Commands.Count == 1 && lastCmd.Args.Count > 1)
                {
                    // {{html a b}} becomes {{_eval_args_ a b | html}} so html can merge with the escapers.
                    var evalCmd = new CommandNode { Pos = lastCmd.Pos, Source = lastCmd.Source };
                    evalCmd.Args.Add(Identifier("_eval_args_", id));
                    evalCmd.Args.AddRange(lastCmd.Args.Skip(1));
                    p.Commands[0] = evalCmd;
                    p.Commands.Add(IdentCommand(esc, p));
                    pipelineLen++;
                }
                bool dup = false;
                for (int i = 0; i < s.Count; i++)
                {
                    if (EquivalentEscapers.TryGetValue(s[i], out var eq) && eq == esc)
                    {
                        s[i] = esc;
                        dup = true;
                    }
                }
                if (dup) pipelineLen--;
            }
        }
        var inserted = new HashSet<string>();
        var newCmds = new List<CommandNode>();
        for (int i = 0; i < pipelineLen; i++)
        {
            newCmds.Add(p.Commands[i]);
            if (p.Commands[i].Args[0] is IdentifierNode idn) inserted.Add(Normalize(idn.Name));
        }
        foreach (var name in s)
        {
            if (!inserted.Contains(Normalize(name))) newCmds.Add(IdentCommand(name, p));
        }
        p.Commands.Clear();
        p.Commands.AddRange(newCmds);
    }

    private static string Normalize(string name) => EquivalentEscapers.GetValueOrDefault(name, name);

    private static IdentifierNode Identifier(string name, Node at) => new()
    {
        Name = name,
        Pos = at.Pos,
        Source = at.Source,
        Function = EscapeFunctions.All.GetValueOrDefault(name) ?? Builtins.All[name],
    };

    private static CommandNode IdentCommand(string name, PipeNode p)
    {
        var cmd = new CommandNode { Pos = p.Pos, Source = p.Source };
        cmd.Args.Add(Identifier(name, p));
        return cmd;
    }

    private Context EscapeText(Context c, TextNode n)
    {
        string s = n.Text;
        int written = 0, i = 0;
        var b = new StringBuilder();
        while (i != s.Length)
        {
            var (c1, nread) = Transitions.AfterText(c, s[i..]);
            int i1 = i + nread;
            if (c.State is State.Text or State.RcData)
            {
                int end = i1;
                if (c1.State != c.State)
                {
                    for (int j = end - 1; j >= i; j--)
                    {
                        if (s[j] == '<') { end = j; break; }
                    }
                }
                for (int j = i; j < end; j++)
                {
                    if (s[j] == '<' && !s.AsSpan(j).StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
                    {
                        b.Append(s, written, j - written).Append("&lt;");
                        written = j + 1;
                    }
                }
            }
            else if (c.IsComment && c.Delim == Delim.None)
            {
                if (c.State == State.JsBlockComment)
                    b.Append(s.AsSpan(written, i1 - written).IndexOfAny("\n\r\u2028\u2029") >= 0 ? '\n' : ' ');
                else if (c.State == State.CssBlockComment)
                    b.Append(' ');
                written = i1;
            }
            if (c.State != c1.State && c1.IsComment && c1.Delim == Delim.None)
            {
                int cs = i1 - 2;
                if (c1.State == State.HtmlComment) cs -= 2;
                b.Append(s, written, cs - written);
                written = i1;
            }
            if (i == i1 && c.State == c1.State) return Context.Fail("internal error: no progress escaping text");
            c = c1;
            i = i1;
            if (c.State == State.Error) return c;
        }
        if (written != 0 && c.State != State.Error)
        {
            if (!c.IsComment || c.Delim != Delim.None) b.Append(s, written, s.Length - written);
            _textEdits[n] = b.ToString();
        }
        return c;
    }

    private static ListNode CopyList(ListNode list)
    {
        var copy = new ListNode { Pos = list.Pos, Source = list.Source };
        foreach (var n in list.Nodes) copy.Nodes.Add(CopyNode(n));
        return copy;
    }

    private static Node CopyNode(Node n)
    {
        switch (n)
        {
            case TextNode t:
                return new TextNode { Pos = t.Pos, Source = t.Source, Text = t.Text };
            case ActionNode a:
                return new ActionNode { Pos = a.Pos, Source = a.Source, Pipe = CopyPipe(a.Pipe) };
            case ListNode l:
                return CopyList(l);
            case BranchNode b:
                return new BranchNode
                {
                    Kind = b.Kind, Pos = b.Pos, Source = b.Source, Pipe = b.Pipe,
                    List = CopyList(b.List), ElseList = b.ElseList == null ? null : CopyList(b.ElseList),
                };
            case TemplateCallNode t:
                return new TemplateCallNode { Pos = t.Pos, Source = t.Source, Name = t.Name, Pipe = t.Pipe };
            default:
                return n;
        }
    }

    private static PipeNode CopyPipe(PipeNode p)
    {
        var copy = new PipeNode { Pos = p.Pos, Source = p.Source, IsAssign = p.IsAssign };
        copy.Decl.AddRange(p.Decl);
        copy.Commands.AddRange(p.Commands);
        return copy;
    }
}
