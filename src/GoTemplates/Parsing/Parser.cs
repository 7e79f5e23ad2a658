using System.Globalization;
using System.Numerics;

namespace GoTemplates.Parsing;

/// <summary>Builds node trees from tokens with the rules and messages of Go's text/template/parse.</summary>
internal sealed class Parser
{
    private const int MaxNesting = 300;

    private readonly TemplateSource _source;
    private readonly List<Token> _tokens;
    private readonly Func<string, TemplateFunction?> _lookup;
    private readonly Dictionary<string, ListNode> _trees;
    private int _index;
    private Token _current;
    private List<string> _vars = ["$"];
    private int _rangeDepth;
    private int _nesting;
    private int _actionLine;

    private Parser(TemplateSource source, List<Token> tokens, Func<string, TemplateFunction?> lookup, Dictionary<string, ListNode> trees)
    {
        _source = source;
        _tokens = tokens;
        _lookup = lookup;
        _trees = trees;
    }

    /// <summary>Parses text into the named tree and adds every {{define}} and {{block}} to <paramref name="trees"/>.</summary>
    public static void Parse(string name, string text, Func<string, TemplateFunction?> lookup, Dictionary<string, ListNode> trees)
    {
        var source = new TemplateSource(name, text);
        var parser = new Parser(source, Lexer.Tokenize(text), lookup, trees);
        var root = parser.ParseTop();
        parser.Add(name, root);
    }

    public static bool IsEmptyTree(Node? n) => n switch
    {
        null => true,
        ListNode l => l.Nodes.All(IsEmptyTree),
        TextNode t => string.IsNullOrWhiteSpace(t.Text),
        CommentNode => true,
        _ => false,
    };

    private void Add(string name, ListNode root)
    {
        if (!_trees.TryGetValue(name, out var existing) || IsEmptyTree(existing))
        {
            _trees[name] = root;
            return;
        }
        if (!IsEmptyTree(root)) Fail($"template: multiple definition of template {GoQuote.Quote(name)}");
    }

    private TemplateParseException Error(string message)
    {
        var (line, col) = _source.Locate(_current.Pos);
        return new TemplateParseException($"template: {_source.Name}:{line}:{col}: {message}");
    }

    private void Fail(string message) => throw Error(message);

    private Token Next()
    {
        _current = _tokens[Math.Min(_index, _tokens.Count - 1)];
        if (_index < _tokens.Count) _index++;
        return _current;
    }

    private void Backup(int n = 1) => _index -= n;

    private Token Peek() => _tokens[Math.Min(_index, _tokens.Count - 1)];

    private Token NextNonSpace()
    {
        Token t;
        do t = Next(); while (t.Type == TokenType.Space);
        return t;
    }

    private Token PeekNonSpace()
    {
        var t = NextNonSpace();
        Backup();
        return t;
    }

    private Token Expect(TokenType expected, string context)
    {
        var t = NextNonSpace();
        if (t.Type != expected) Unexpected(t, context);
        return t;
    }

    private void Unexpected(Token token, string context)
    {
        if (token.Type == TokenType.Error)
        {
            string extra = "";
            if (_actionLine != 0 && _actionLine != token.Line)
            {
                extra = " in " + context;
                if (token.Value.EndsWith(" action", StringComparison.Ordinal)) extra = extra[3..];
            }
            Fail(token.Value + extra);
        }
        Fail($"unexpected {token} in {context}");
    }

    private ListNode ParseTop()
    {
        var root = new ListNode { Pos = Peek().Pos, Source = _source };
        while (Peek().Type != TokenType.EOF)
        {
            if (Peek().Type == TokenType.LeftDelim)
            {
                int mark = _index;
                Next();
                if (NextNonSpace().Type == TokenType.Define)
                {
                    ParseDefinition();
                    continue;
                }
                _index = mark;
            }
            var n = TextOrAction();
            if (n is EndNode or ElseNode) Fail($"unexpected {n}");
            if (n != null) root.Nodes.Add(n);
        }
        return root;
    }

    private void ParseDefinition()
    {
        const string context = "define clause";
        var token = NextNonSpace();
        if (token.Type is not (TokenType.String or TokenType.RawString)) Unexpected(token, context);
        string name = GoQuote.Unquote(token.Value) ?? throw Error("invalid syntax");
        Expect(TokenType.RightDelim, context);
        var saved = _vars;
        _vars = ["$"];
        var (list, end) = ItemList();
        if (end is not EndNode) Fail($"unexpected {end} in {context}");
        _vars = saved;
        Add(name, list);
    }

    private (ListNode, Node) ItemList()
    {
        var list = new ListNode { Pos = PeekNonSpace().Pos, Source = _source };
        while (PeekNonSpace().Type != TokenType.EOF)
        {
            var n = TextOrAction();
            if (n is EndNode or ElseNode) return (list, n);
            if (n != null) list.Nodes.Add(n);
        }
        Fail("unexpected EOF");
        return default;
    }

    private Node? TextOrAction()
    {
        var token = NextNonSpace();
        switch (token.Type)
        {
            case TokenType.Text:
                return new TextNode { Pos = token.Pos, Source = _source, Text = token.Value };
            case TokenType.LeftDelim:
                _actionLine = token.Line;
                try { return Action(); }
                finally { _actionLine = 0; }
            case TokenType.Comment:
                return null;
            default:
                Unexpected(token, "input");
                return null;
        }
    }

    private Node Action()
    {
        var token = NextNonSpace();
        switch (token.Type)
        {
            case TokenType.Block: return BlockControl();
            case TokenType.Break: return LoopControl(token, "break");
            case TokenType.Continue: return LoopControl(token, "continue");
            case TokenType.Else: return ElseControl();
            case TokenType.End: return new EndNode { Pos = Expect(TokenType.RightDelim, "end").Pos, Source = _source };
            case TokenType.If: return BranchControl(BranchKind.If);
            case TokenType.Range: return BranchControl(BranchKind.Range);
            case TokenType.Template: return TemplateControl();
            case TokenType.With: return BranchControl(BranchKind.With);
        }
        Backup();
        var pos = Peek().Pos;
        return new ActionNode { Pos = pos, Source = _source, Pipe = Pipeline("command", TokenType.RightDelim) };
    }

    private Node LoopControl(Token token, string word)
    {
        var next = NextNonSpace();
        if (next.Type != TokenType.RightDelim) Unexpected(next, "{{" + word + "}}");
        if (_rangeDepth == 0) Fail($"{{{{{word}}}}} outside {{{{range}}}}");
        return word == "break"
            ? new BreakNode { Pos = token.Pos, Source = _source }
            : new ContinueNode { Pos = token.Pos, Source = _source };
    }

    private Node ElseControl()
    {
        var peek = PeekNonSpace();
        if (peek.Type is TokenType.If or TokenType.With) return new ElseNode { Pos = peek.Pos, Source = _source };
        var token = Expect(TokenType.RightDelim, "else");
        return new ElseNode { Pos = token.Pos, Source = _source };
    }

    private BranchNode BranchControl(BranchKind kind)
    {
        string context = kind switch { BranchKind.If => "if", BranchKind.Range => "range", _ => "with" };
        int varCount = _vars.Count;
        // Nested control structures share the expression depth limit, so parsing and execution stay within the stack.
        if (++_nesting > MaxNesting) Fail("max expression depth exceeded");
        try
        {
            var pipe = Pipeline(context, TokenType.RightDelim);
            if (kind == BranchKind.Range) _rangeDepth++;
            var (list, next) = ItemList();
            if (kind == BranchKind.Range) _rangeDepth--;
            ListNode? elseList = null;
            if (next is ElseNode)
            {
                if (kind == BranchKind.If && Peek().Type == TokenType.If)
                {
                    Next();
                    elseList = new ListNode { Pos = next.Pos, Source = _source };
                    elseList.Nodes.Add(BranchControl(BranchKind.If));
                }
                else if (kind == BranchKind.With && Peek().Type == TokenType.With)
                {
                    Next();
                    elseList = new ListNode { Pos = next.Pos, Source = _source };
                    elseList.Nodes.Add(BranchControl(BranchKind.With));
                }
                else
                {
                    (elseList, next) = ItemList();
                    if (next is not EndNode) Fail($"expected end; found {next}");
                }
            }
            return new BranchNode { Kind = kind, Pos = pipe.Pos, Source = _source, Pipe = pipe, List = list, ElseList = elseList };
        }
        finally
        {
            _nesting--;
            _vars.RemoveRange(varCount, _vars.Count - varCount);
        }
    }

    private Node BlockControl()
    {
        const string context = "block clause";
        var token = NextNonSpace();
        string name = TemplateName(token, context);
        var pipe = Pipeline(context, TokenType.RightDelim);
        var saved = _vars;
        int savedRange = _rangeDepth;
        _vars = ["$"];
        _rangeDepth = 0;
        var (list, end) = ItemList();
        if (end is not EndNode) Fail($"unexpected {end} in {context}");
        _vars = saved;
        _rangeDepth = savedRange;
        Add(name, list);
        return new TemplateCallNode { Pos = token.Pos, Source = _source, Name = name, Pipe = pipe };
    }

    private Node TemplateControl()
    {
        const string context = "template clause";
        var token = NextNonSpace();
        string name = TemplateName(token, context);
        PipeNode? pipe = null;
        if (NextNonSpace().Type != TokenType.RightDelim)
        {
            Backup();
            pipe = Pipeline(context, TokenType.RightDelim);
        }
        return new TemplateCallNode { Pos = token.Pos, Source = _source, Name = name, Pipe = pipe };
    }

    private string TemplateName(Token token, string context)
    {
        if (token.Type is TokenType.String or TokenType.RawString)
            return GoQuote.Unquote(token.Value) ?? throw Error("invalid syntax");
        Unexpected(token, context);
        return "";
    }

    private PipeNode Pipeline(string context, TokenType end)
    {
        if (++_nesting > MaxNesting) Fail("max expression depth exceeded");
        try
        {
            var start = PeekNonSpace();
            var pipe = new PipeNode { Pos = start.Pos, Source = _source };
            Declarations(pipe, context);
            while (true)
            {
                var token = NextNonSpace();
                if (token.Type == end)
                {
                    CheckPipeline(pipe, context);
                    return pipe;
                }
                switch (token.Type)
                {
                    case TokenType.Bool or TokenType.CharConstant or TokenType.Complex or TokenType.Dot or TokenType.Field
                        or TokenType.Identifier or TokenType.Number or TokenType.Nil or TokenType.RawString or TokenType.String
                        or TokenType.Variable or TokenType.LeftParen:
                        Backup();
                        pipe.Commands.Add(Command());
                        break;
                    default:
                        Unexpected(token, context);
                        break;
                }
            }
        }
        finally
        {
            _nesting--;
        }
    }

    private void Declarations(PipeNode pipe, string context)
    {
        while (true)
        {
            var v = PeekNonSpace();
            if (v.Type != TokenType.Variable) return;
            int mark = _index;
            NextNonSpace();
            var next = PeekNonSpace();
            if (next.Type is TokenType.Assign or TokenType.Declare)
            {
                pipe.IsAssign = next.Type == TokenType.Assign;
                NextNonSpace();
                pipe.Decl.Add(new VariableNode { Pos = v.Pos, Source = _source, Ident = [v.Value] });
                _vars.Add(v.Value);
                return;
            }
            if (next.Type == TokenType.Char && next.Value == ",")
            {
                NextNonSpace();
                pipe.Decl.Add(new VariableNode { Pos = v.Pos, Source = _source, Ident = [v.Value] });
                _vars.Add(v.Value);
                if (context == "range" && pipe.Decl.Count < 2)
                {
                    var p = PeekNonSpace();
                    if (p.Type is TokenType.Variable or TokenType.RightDelim or TokenType.RightParen) continue;
                    Fail("range can only initialize variables");
                }
                Fail($"too many declarations in {context}");
            }
            _index = mark;
            return;
        }
    }

    private void CheckPipeline(PipeNode pipe, string context)
    {
        if (pipe.Commands.Count == 0) Fail($"missing value for {context}");
        for (int i = 1; i < pipe.Commands.Count; i++)
        {
            if (pipe.Commands[i].Args[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
                Fail($"non executable command in pipeline stage {i + 1}");
        }
    }

    private CommandNode Command()
    {
        var cmd = new CommandNode { Pos = PeekNonSpace().Pos, Source = _source };
        while (true)
        {
            PeekNonSpace();
            var operand = Operand();
            if (operand != null) cmd.Args.Add(operand);
            var token = Next();
            if (token.Type == TokenType.Space) continue;
            if (token.Type is TokenType.RightDelim or TokenType.RightParen) Backup();
            else if (token.Type != TokenType.Pipe) Unexpected(token, "operand");
            break;
        }
        if (cmd.Args.Count == 0) Fail("empty command");
        return cmd;
    }

    private Node? Operand()
    {
        var node = Term();
        if (node == null) return null;
        if (Peek().Type != TokenType.Field) return node;
        int pos = Peek().Pos;
        var fields = new List<string>();
        while (Peek().Type == TokenType.Field) fields.Add(Next().Value[1..]);
        switch (node)
        {
            case FieldNode f:
                return new FieldNode { Pos = pos, Source = _source, Ident = [.. f.Ident, .. fields] };
            case VariableNode v:
                return new VariableNode { Pos = pos, Source = _source, Ident = [.. v.Ident, .. fields] };
            case BoolNode or StringNode or NumberNode or NilNode or DotNode:
                Fail($"unexpected . after term {GoQuote.Quote(node.ToString())}");
                return null;
            default:
                var chain = new ChainNode { Pos = pos, Source = _source, Target = node };
                chain.Fields.AddRange(fields);
                return chain;
        }
    }

    private Node? Term()
    {
        var token = NextNonSpace();
        switch (token.Type)
        {
            case TokenType.Identifier:
                var function = _lookup(token.Value);
                if (function == null) Fail($"function {GoQuote.Quote(token.Value)} not defined");
                return new IdentifierNode { Pos = token.Pos, Source = _source, Name = token.Value, Function = function };
            case TokenType.Dot:
                return new DotNode { Pos = token.Pos, Source = _source };
            case TokenType.Nil:
                return new NilNode { Pos = token.Pos, Source = _source };
            case TokenType.Variable:
                return UseVariable(token);
            case TokenType.Field:
                return new FieldNode { Pos = token.Pos, Source = _source, Ident = token.Value[1..].Split('.') };
            case TokenType.Bool:
                return new BoolNode { Pos = token.Pos, Source = _source, Value = token.Value == "true" };
            case TokenType.CharConstant or TokenType.Complex or TokenType.Number:
                return NewNumber(token);
            case TokenType.LeftParen:
                return Pipeline("parenthesized pipeline", TokenType.RightParen);
            case TokenType.String or TokenType.RawString:
                string s = GoQuote.Unquote(token.Value) ?? throw Error("invalid syntax");
                return new StringNode { Pos = token.Pos, Source = _source, Quoted = token.Value, Text = s };
        }
        Backup();
        return null;
    }

    private VariableNode UseVariable(Token token)
    {
        var ident = token.Value.Split('.');
        if (!_vars.Contains(ident[0])) Fail($"undefined variable {GoQuote.Quote(ident[0])}");
        return new VariableNode { Pos = token.Pos, Source = _source, Ident = ident };
    }

    private NumberNode NewNumber(Token token)
    {
        string text = token.Value;
        if (token.Type == TokenType.CharConstant)
        {
            string? ch = GoQuote.Unquote(text);
            if (ch == null) Fail("invalid syntax");
            int rune = char.ConvertToUtf32(ch!, 0);
            return new NumberNode
            {
                Pos = token.Pos, Source = _source, Text = text, IsInt = true, IsUint = true, IsFloat = true,
                Int64 = rune, Uint64 = (ulong)rune, Float64 = rune,
            };
        }
        if (token.Type == TokenType.Complex || text.EndsWith('i')) Fail($"complex numbers are not supported: {GoQuote.Quote(text)}");

        bool isInt = false, isUint = false, isFloat = false;
        long i64 = 0;
        ulong u64 = 0;
        double f64 = 0;
        if (TryParseInteger(text, out var big))
        {
            if (big >= 0 && big <= ulong.MaxValue) { isUint = true; u64 = (ulong)big; }
            if (big >= long.MinValue && big <= long.MaxValue) { isInt = true; i64 = (long)big; }
        }
        if (isInt) { isFloat = true; f64 = i64; }
        else if (isUint) { isFloat = true; f64 = u64; }
        else if (TryParseFloat(text, out double f))
        {
            if (text.IndexOfAny(['.', 'e', 'E', 'p', 'P']) < 0) Fail($"integer overflow: {GoQuote.Quote(text)}");
            isFloat = true;
            f64 = f;
            if (Math.Floor(f) == f && f >= long.MinValue && f < 9.2233720368547758E18) { isInt = true; i64 = (long)f; }
            if (Math.Floor(f) == f && f >= 0 && f < 1.8446744073709552E19) { isUint = true; u64 = (ulong)f; }
        }
        if (!isInt && !isUint && !isFloat) Fail($"illegal number syntax: {GoQuote.Quote(text)}");
        bool hexInt = text.Length > 2 && text[0] == '0' && (text[1] is 'x' or 'X') && text.IndexOfAny(['p', 'P']) < 0;
        bool looksFloat = isFloat && !hexInt && text.IndexOfAny(['.', 'e', 'E', 'p', 'P']) >= 0;
        return new NumberNode
        {
            Pos = token.Pos, Source = _source, Text = text, IsInt = isInt, IsUint = isUint, IsFloat = isFloat,
            Int64 = i64, Uint64 = u64, Float64 = f64, LooksFloat = looksFloat,
        };
    }

    /// <summary>Integer literal rules of strconv.ParseInt with base 0: prefixes, leading-zero octal, underscores.</summary>
    private static bool TryParseInteger(string text, out BigInteger value)
    {
        value = 0;
        string s = text;
        bool neg = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-')) { neg = s[0] == '-'; s = s[1..]; }
        if (s.Length == 0) return false;
        int radix = 10;
        if (s.Length > 1 && s[0] == '0')
        {
            switch (char.ToLowerInvariant(s[1]))
            {
                case 'x': radix = 16; s = s[2..]; break;
                case 'o': radix = 8; s = s[2..]; break;
                case 'b': radix = 2; s = s[2..]; break;
                default: radix = 8; s = s[1..]; break;
            }
        }
        if (s.Contains('_'))
        {
            if (!UnderscoresOk(text.TrimStart('+', '-'))) return false;
            s = s.Replace("_", "");
        }
        if (s.Length == 0) return radix == 8 && !text.TrimStart('+', '-').StartsWith("0o", StringComparison.OrdinalIgnoreCase);
        foreach (char c in s)
        {
            int d = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : 99;
            if (d >= radix) return false;
            value = value * radix + d;
        }
        if (neg) value = -value;
        return true;
    }

    private static bool UnderscoresOk(string s)
    {
        // Underscores must separate digits (or follow a base prefix).
        char prev = '_';
        bool hex = s.Length > 1 && s[0] == '0' && s[1] is 'x' or 'X';
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (i == 1 && s[0] == '0' && char.IsLetter(c)) { prev = '0'; continue; }
            if (c == '_') { if (prev != '0') return false; }
            else if (char.IsDigit(c) || hex && char.IsAsciiHexDigit(c)) c = '0';
            else c = '!';
            prev = c == '_' ? '_' : c;
        }
        return prev != '_';
    }

    private static bool TryParseFloat(string text, out double value)
    {
        value = 0;
        if (text.Contains('_') && !UnderscoresOk(text.TrimStart('+', '-'))) return false;
        string s = text.Replace("_", "");
        if (s.Contains("0x", StringComparison.OrdinalIgnoreCase)) return false;
        if (s.Length == 0 || s.EndsWith('.') && s.Length == 1) return false;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsInfinity(value);
    }
}
