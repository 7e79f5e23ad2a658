using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using GoTemplates.Parsing;

namespace GoTemplates;

/// <summary>Runs a parsed template over data with the evaluation rules of Go's text/template. One instance per execution.</summary>
internal sealed class Executor
{
    internal const int MaxTemplateDepth = 1000;

    private enum Flow { Normal, Break, Continue }

    private readonly IReadOnlyDictionary<string, ListNode> _templates;
    private readonly StringBuilder _out;
    private readonly List<KeyValuePair<string, object?>> _vars = [];
    private string _templateName;
    private Node? _node;
    private int _depth;
    // True while dot is an element of a []interface{} or map[string]interface{} being ranged over; Go names its type "interface {}" in errors.
    private bool _dotIsInterface;

    /// <summary>Marks "no value came from the pipeline" (Go's missingVal), which differs from <see cref="Missing"/>.</summary>
    private static readonly object NoFinal = new();

    public Executor(IReadOnlyDictionary<string, ListNode> templates, string name, StringBuilder output)
    {
        _templates = templates;
        _templateName = name;
        _out = output;
    }

    public void Run(ListNode root, object? data)
    {
        var dot = data ?? Missing.Value;
        _vars.Add(new("$", dot));
        Walk(dot, root);
    }

    private TemplateExecutionException Error(string message)
    {
        if (_node == null) return new TemplateExecutionException($"template: {_templateName}: {message}");
        var (line, col) = _node.Source.Locate(_node.Pos);
        string context = _node.ToString();
        return new TemplateExecutionException(
            $"template: {_node.Source.Name}:{line}:{col}: executing {GoQuote.Quote(_templateName)} at <{context}>: {message}");
    }

    private Flow Walk(object? dot, Node node)
    {
        _node = node;
        switch (node)
        {
            case TextNode t:
                _out.Append(t.Text);
                return Flow.Normal;
            case ActionNode a:
            {
                var v = EvalPipeline(dot, a.Pipe);
                if (a.Pipe.Decl.Count == 0) PrintValue(a, v);
                return Flow.Normal;
            }
            case ListNode l:
                foreach (var n in l.Nodes)
                {
                    var f = Walk(dot, n);
                    if (f != Flow.Normal) return f;
                }
                return Flow.Normal;
            case BranchNode b when b.Kind == BranchKind.Range:
                return WalkRange(dot, b);
            case BranchNode b:
                return WalkIfOrWith(dot, b);
            case TemplateCallNode t:
                WalkTemplate(dot, t);
                return Flow.Normal;
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            case CommentNode:
                return Flow.Normal;
        }
        throw Error("unknown node: " + node);
    }

    private void PrintValue(Node n, object? v)
    {
        _node = n;
        switch (v)
        {
            case string s:
                _out.Append(s);
                return;
            case null or Missing:
                _out.Append("<no value>");
                return;
            case Delegate:
                throw Error($"can't print {n} of type {GoValues.TypeName(v)}");
            default:
                _out.Append(GoFormat.ToText(v));
                return;
        }
    }

    private Flow WalkIfOrWith(object? dot, BranchNode b)
    {
        int mark = _vars.Count;
        try
        {
            var val = EvalPipeline(dot, b.Pipe);
            if (GoValues.IsTrue(val))
            {
                if (b.Kind != BranchKind.With) return Walk(dot, b.List);
                bool savedDot = _dotIsInterface;
                _dotIsInterface = false;
                try { return Walk(val, b.List); }
                finally { _dotIsInterface = savedDot; }
            }
            if (b.ElseList != null) return Walk(dot, b.ElseList);
            return Flow.Normal;
        }
        finally
        {
            Pop(mark);
        }
    }

    private Flow WalkRange(object? dot, BranchNode r)
    {
        _node = r;
        int outer = _vars.Count;
        try
        {
            var val = EvalPipeline(dot, r.Pipe);
            int mark = _vars.Count;
            bool any = false;
            switch (val)
            {
                case IDictionary map:
                    foreach (var key in GoValues.SortedKeys(map))
                    {
                        any = true;
                        if (OneIteration(r, key, map[key], mark, map is IDictionary<string, object?>) == Flow.Break) break;
                    }
                    break;
                case IList list:
                    for (int i = 0; i < list.Count; i++)
                    {
                        any = true;
                        if (OneIteration(r, i, list[i], mark, list is List<object?> or object?[]) == Flow.Break) break;
                    }
                    break;
                case null or Missing:
                    break;
                case string:
                    throw Error($"range can't iterate over {GoFormat.ToText(val)}");
                case IEnumerable seq:
                {
                    int i = 0;
                    foreach (var item in seq)
                    {
                        any = true;
                        if (OneIteration(r, i++, item, mark, false) == Flow.Break) break;
                    }
                    break;
                }
                default:
                    if (GoValues.KindOf(val) == GoKind.Int)
                    {
                        long n = GoValues.ToInt64(val);
                        if (r.Pipe.Decl.Count > 1) throw Error("can't use " + val + " to iterate over more than one variable");
                        for (int i = 0; i < n; i++)
                        {
                            any = true;
                            if (OneIteration(r, i, i, mark, false) == Flow.Break) break;
                        }
                        break;
                    }
                    throw Error($"range can't iterate over {GoFormat.ToText(val)}");
            }
            if (!any && r.ElseList != null) return Walk(dot, r.ElseList);
            return Flow.Normal;
        }
        finally
        {
            Pop(outer);
        }
    }

    private Flow OneIteration(BranchNode r, object index, object? elem, int mark, bool elemIsInterface)
    {
        var decl = r.Pipe.Decl;
        if (decl.Count > 0)
        {
            if (r.Pipe.IsAssign)
            {
                SetVar(decl[0].Ident[0], decl.Count > 1 ? index : elem);
                if (decl.Count > 1) SetVar(decl[1].Ident[0], elem);
            }
            else
            {
                SetTopVar(1, elem);
                if (decl.Count > 1) SetTopVar(2, index);
            }
        }
        bool savedDot = _dotIsInterface;
        _dotIsInterface = elemIsInterface;
        try
        {
            var f = Walk(elem, r.List);
            return f == Flow.Break ? Flow.Break : Flow.Normal;
        }
        finally
        {
            _dotIsInterface = savedDot;
            Pop(mark);
        }
    }

    private void WalkTemplate(object? dot, TemplateCallNode t)
    {
        _node = t;
        if (!_templates.TryGetValue(t.Name, out var tree)) throw Error($"template {GoQuote.Quote(t.Name)} not defined");
        if (_depth >= MaxTemplateDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw Error($"exceeded maximum template depth ({MaxTemplateDepth})");
        var newDot = t.Pipe == null ? Missing.Value : EvalPipeline(dot, t.Pipe);
        var savedVars = _vars.ToArray();
        string savedName = _templateName;
        _vars.Clear();
        _vars.Add(new("$", newDot));
        _templateName = t.Name;
        _depth++;
        bool savedDot = _dotIsInterface;
        _dotIsInterface = false;
        try
        {
            Walk(newDot, tree);
        }
        finally
        {
            _dotIsInterface = savedDot;
            _depth--;
            _templateName = savedName;
            _vars.Clear();
            _vars.AddRange(savedVars);
        }
    }

    private void Pop(int mark) => _vars.RemoveRange(mark, _vars.Count - mark);

    private void SetVar(string name, object? value)
    {
        for (int i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Key == name)
            {
                _vars[i] = new(name, value);
                return;
            }
        }
        throw Error("undefined variable: " + name);
    }

    private void SetTopVar(int n, object? value) => _vars[^n] = new(_vars[^n].Key, value);

    private object? VarValue(string name)
    {
        for (int i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Key == name) return _vars[i].Value;
        }
        throw Error("undefined variable: " + name);
    }

    // Values from interface slots are "dug out": a nil interface becomes an invalid (missing) value.
    private static object? Dig(object? v) => v ?? Missing.Value;

    private object? EvalPipeline(object? dot, PipeNode pipe)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack()) throw Error("expression too deeply nested");
        _node = pipe;
        object? value = NoFinal;
        foreach (var cmd in pipe.Commands)
        {
            value = Dig(EvalCommand(dot, cmd, value));
        }
        foreach (var v in pipe.Decl)
        {
            if (pipe.IsAssign) SetVar(v.Ident[0], value);
            else _vars.Add(new(v.Ident[0], value));
        }
        return value;
    }

    private object? EvalCommand(object? dot, CommandNode cmd, object? final)
    {
        var first = cmd.Args[0];
        switch (first)
        {
            case FieldNode f:
                return EvalFieldNode(dot, f, cmd.Args, final);
            case ChainNode c:
                return EvalChainNode(dot, c, cmd.Args, final);
            case IdentifierNode id:
                return EvalFunction(dot, id, cmd, cmd.Args, final);
            case PipeNode p:
                NotAFunction(cmd.Args, final);
                return EvalPipeline(dot, p);
            case VariableNode v:
                return EvalVariableNode(dot, v, cmd.Args, final);
        }
        _node = first;
        NotAFunction(cmd.Args, final);
        return first switch
        {
            BoolNode b => b.Value,
            DotNode => dot,
            NilNode => throw Error("nil is not a command"),
            NumberNode n => IdealConstant(n),
            StringNode s => s.Text,
            _ => throw Error($"can't evaluate command {GoQuote.Quote(first.ToString())}"),
        };
    }

    private void NotAFunction(List<Node>? args, object? final)
    {
        if ((args != null && args.Count > 1) || final != NoFinal) throw Error($"can't give argument to non-function {args?[0] ?? _node}");
    }

    private object IdealConstant(NumberNode n)
    {
        _node = n;
        if (n.LooksFloat) return n.Float64;
        if (n.IsInt)
        {
            if (n.Int64 is < int.MinValue or > int.MaxValue) return n.Int64;
            return (int)n.Int64;
        }
        throw Error($"{n.Text} overflows int");
    }

    private object? EvalFieldNode(object? dot, FieldNode field, List<Node>? args, object? final)
    {
        _node = field;
        return EvalFieldChain(dot, dot, field, field.Ident, args, final, _dotIsInterface);
    }

    private object? EvalChainNode(object? dot, ChainNode chain, List<Node>? args, object? final)
    {
        _node = chain;
        if (chain.Target is NilNode) throw Error($"indirection through explicit nil in {chain}");
        var pipe = EvalArg(dot, ArgType.Value, chain.Target);
        return EvalFieldChain(dot, pipe, chain, chain.Fields, args, final);
    }

    private object? EvalVariableNode(object? dot, VariableNode v, List<Node>? args, object? final)
    {
        _node = v;
        var value = VarValue(v.Ident[0]);
        if (v.Ident.Length == 1)
        {
            NotAFunction(args, final);
            return value;
        }
        return EvalFieldChain(dot, value, v, new ArraySegment<string>(v.Ident, 1, v.Ident.Length - 1), args, final);
    }

    private object? EvalFieldChain(object? dot, object? receiver, Node node, IReadOnlyList<string> ident, List<Node>? args, object? final, bool receiverIsInterface = false)
    {
        int n = ident.Count;
        for (int i = 0; i < n - 1; i++)
        {
            // A value looked up in a map of interface{} has the static type interface {}, which Go names in errors.
            bool nextIsInterface = receiver is IDictionary<string, object?>;
            receiver = EvalField(dot, ident[i], node, null, NoFinal, receiver, receiverIsInterface);
            receiverIsInterface = nextIsInterface;
        }
        return EvalField(dot, ident[n - 1], node, args, final, receiver, receiverIsInterface);
    }

    private object? EvalField(object? dot, string name, Node node, List<Node>? args, object? final, object? receiver, bool receiverIsInterface = false)
    {
        if (receiver is Missing) return Missing.Value;
        if (receiver == null) throw Error($"nil pointer evaluating interface {{}}.{name}");
        bool hasArgs = (args != null && args.Count > 1) || final != NoFinal;
        switch (receiver)
        {
            case IDictionary<string, object?> typed:
                if (hasArgs) throw Error($"{name} is not a method but has arguments");
                return typed.TryGetValue(name, out var tv) ? GoValues.Normalize(tv) : Missing.Value;
            case IDictionary map:
            {
                var keyType = map.GetType().IsGenericType ? map.GetType().GetGenericArguments()[0] : typeof(object);
                if (keyType != typeof(string) && keyType != typeof(object)) break;
                if (hasArgs) throw Error($"{name} is not a method but has arguments");
                return map.Contains(name) ? GoValues.Normalize(map[name]) : Missing.Value;
            }
        }
        var kind = GoValues.KindOf(receiver);
        if (kind is GoKind.Struct or GoKind.Time or GoKind.Duration)
        {
            var type = receiver.GetType();
            var prop = GoValues.FindProperty(type, name);
            if (prop != null)
            {
                if (hasArgs) throw Error($"{name} has arguments but cannot be invoked as function");
                try
                {
                    return GoValues.Normalize(prop.GetValue(receiver));
                }
                catch (TargetInvocationException e) when (e.InnerException != null)
                {
                    throw Error($"error reading {name}: {e.InnerException.Message}");
                }
            }
            var method = GoValues.FindMethod(type, name);
            if (method != null) return EvalMethod(dot, receiver, method, node, name, args, final);
        }
        throw Error($"can't evaluate field {name} in type {(receiverIsInterface ? "interface {}" : GoValues.TypeName(receiver))}");
    }

    private static ArgType ArgTypeFor(Type t)
    {
        if (t == typeof(string)) return ArgType.String;
        if (t == typeof(int)) return ArgType.Int;
        if (t == typeof(long)) return ArgType.Int64;
        if (t == typeof(double)) return ArgType.Float;
        if (t == typeof(bool)) return ArgType.Bool;
        return ArgType.Any;
    }

    private object? EvalMethod(object? dot, object receiver, MethodInfo method, Node node, string name, List<Node>? args, object? final)
    {
        var ps = method.GetParameters();
        var fn = new TemplateFunction(ps.Select(p => ArgTypeFor(p.ParameterType)).ToArray(), argv =>
        {
            try
            {
                return method.Invoke(receiver, argv);
            }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                throw e.InnerException;
            }
        });
        return EvalCall(dot, fn, node, name, args, final);
    }

    // Errors from a function call point at the whole command, as Go's do.
    private object? EvalFunction(object? dot, IdentifierNode id, Node command, List<Node>? args, object? final)
    {
        _node = id;
        var fn = id.Function ?? throw Error($"{GoQuote.Quote(id.Name)} is not a defined function");
        return EvalCall(dot, fn, command, id.Name, args, final);
    }

    private object? EvalCall(object? dot, TemplateFunction fn, Node node, string name, List<Node>? args, object? final)
    {
        // Argument count errors point at the function name; errors from the call itself at the command.
        int given = args == null ? 0 : args.Count - 1;
        bool hasFinal = final != NoFinal;
        int numIn = given + (hasFinal ? 1 : 0);
        int numFixed = fn.Parameters.Length;
        if (fn.Variadic != null)
        {
            if (numIn < numFixed) throw Error($"wrong number of args for {name}: want at least {numFixed} got {given}");
        }
        else if (numIn != numFixed)
        {
            throw Error($"wrong number of args for {name}: want {numFixed} got {numIn}");
        }

        if (ReferenceEquals(fn, Builtins.And) || ReferenceEquals(fn, Builtins.Or))
        {
            bool isOr = ReferenceEquals(fn, Builtins.Or);
            object? v = null;
            for (int i = 1; i <= given; i++)
            {
                v = EvalArg(dot, ArgType.Value, args![i]);
                if (GoValues.IsTrue(v) == isOr) return v;
            }
            if (hasFinal) v = final;
            return v;
        }

        var argv = new object?[numIn];
        for (int i = 0; i < given; i++)
        {
            var t = i < numFixed ? fn.Parameters[i] : fn.Variadic!.Value;
            argv[i] = EvalArg(dot, t, args![i + 1]);
        }
        if (hasFinal)
        {
            var t = given < numFixed ? fn.Parameters[given] : fn.Variadic!.Value;
            _node = node;
            argv[given] = ValidateType(final, t);
        }
        _node = node;
        try
        {
            return fn.Body(argv);
        }
        catch (TemplateExecutionException)
        {
            throw;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or InsufficientExecutionStackException))
        {
            _node = node;
            var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
            throw Error($"error calling {name}: {inner.Message}");
        }
    }

    private object? EvalArg(object? dot, ArgType type, Node n)
    {
        _node = n;
        switch (n)
        {
            case DotNode:
                return ValidateType(dot, type);
            case NilNode:
                if (type == ArgType.Value) return Missing.Value;
                if (type is ArgType.Any or ArgType.Map or ArgType.List) return null;
                throw Error($"cannot assign nil to {TemplateFunction.GoTypeName(type)}");
            case FieldNode f:
                return ValidateType(EvalFieldNode(dot, f, null, NoFinal), type);
            case VariableNode v:
                return ValidateType(EvalVariableNode(dot, v, null, NoFinal), type);
            case PipeNode p:
                return ValidateType(EvalPipeline(dot, p), type);
            case IdentifierNode id:
                return ValidateType(EvalFunction(dot, id, id, null, NoFinal), type);
            case ChainNode c:
                return ValidateType(EvalChainNode(dot, c, null, NoFinal), type);
        }
        switch (type)
        {
            case ArgType.Bool:
                if (n is BoolNode b) return b.Value;
                throw Error($"expected bool; found {n}");
            case ArgType.String:
                if (n is StringNode s) return s.Text;
                throw Error($"expected string; found {n}");
            case ArgType.Int:
                if (n is NumberNode { IsInt: true } ni)
                {
                    if (ni.Int64 is < int.MinValue or > int.MaxValue) throw Error($"expected integer; found {n}");
                    return (int)ni.Int64;
                }
                throw Error($"expected integer; found {n}");
            case ArgType.Int64:
                if (n is NumberNode { IsInt: true } nl) return nl.Int64;
                throw Error($"expected integer; found {n}");
            case ArgType.Float:
                if (n is NumberNode { IsFloat: true } nf) return nf.Float64;
                throw Error($"expected float; found {n}");
            case ArgType.Any or ArgType.Value:
                return n switch
                {
                    BoolNode bn => bn.Value,
                    NumberNode num => IdealConstant(num),
                    StringNode sn => sn.Text,
                    _ => throw Error($"can't handle {n} for arg of type {TemplateFunction.GoTypeName(type)}"),
                };
        }
        throw Error($"can't handle {n} for arg of type {TemplateFunction.GoTypeName(type)}");
    }

    private object? ValidateType(object? value, ArgType type)
    {
        if (value is Missing)
        {
            return type switch
            {
                ArgType.Value => Missing.Value,
                ArgType.Any or ArgType.Map or ArgType.List => null,
                _ => throw Error($"invalid value; expected {TemplateFunction.GoTypeName(type)}"),
            };
        }
        if (type is ArgType.Any or ArgType.Value) return value;
        bool ok = type switch
        {
            ArgType.String => value is string,
            ArgType.Int => value is int,
            ArgType.Int64 => value is long,
            ArgType.Float => value is double,
            ArgType.Bool => value is bool,
            ArgType.Map => value is null or IDictionary<string, object?>,
            ArgType.List => value is null or IList,
            ArgType.Time => value is DateTimeOffset or DateTime,
            _ => false,
        };
        if (ok) return value;
        string got = value == null ? "interface {}" : GoValues.TypeName(value);
        throw Error($"wrong type for value; expected {TemplateFunction.GoTypeName(type)}; got {got}");
    }
}
