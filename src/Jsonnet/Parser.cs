namespace Jsonnet;

/// <summary>Builds the expression tree from tokens (recursive descent with operator precedence).</summary>
internal sealed class Parser
{
    private const int MaxDepth = 500;
    private const int UnaryLevel = 11;

    private static readonly Dictionary<string, int> BinaryLevels = new()
    {
        ["*"] = 10, ["/"] = 10, ["%"] = 10,
        ["+"] = 9, ["-"] = 9,
        ["<<"] = 8, [">>"] = 8,
        ["<"] = 7, [">"] = 7, ["<="] = 7, [">="] = 7, ["in"] = 7,
        ["=="] = 6, ["!="] = 6,
        ["&"] = 5, ["^"] = 4, ["|"] = 3, ["&&"] = 2, ["||"] = 1,
    };

    private readonly List<Token> _tokens;
    private int _pos;
    private int _depth;

    public Parser(List<Token> tokens) => _tokens = tokens;

    public static void EnsureStack(SourceSpan span)
    {
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw JsonnetException.Static("Exceeded maximum parse depth limit.", span);
        }
    }

    private Token Current => _tokens[_pos];
    private Token Previous => _tokens[_pos - 1];

    public Expr ParseProgram()
    {
        var e = ParseExpr();
        if (Current.Kind != TokenKind.EndOfFile) throw Unexpected("");
        return e;
    }

    private JsonnetException Unexpected(string context)
    {
        var t = Current;
        string what = t.Kind == TokenKind.EndOfFile ? "end of file" : t.Text;
        return JsonnetException.Static($"unexpected: {what}{(context.Length > 0 ? " " + context : "")}", t.Span);
    }

    private Token Expect(TokenKind kind, string text)
    {
        if (Current.Kind != kind) throw JsonnetException.Static($"expected token {text} but got {Describe(Current)}", Current.Span);
        return _tokens[_pos++];
    }

    private static string Describe(Token t) => t.Kind == TokenKind.EndOfFile ? "end of file" : $"({t.Kind}, \"{t.Text}\")";

    private void ExpectOperator(string op)
    {
        if (!IsOperator(op)) throw JsonnetException.Static($"expected operator {op} but got {Describe(Current)}", Current.Span);
        _pos++;
    }

    private bool IsOperator(string op) => Current.Kind == TokenKind.Operator && Current.Text == op;

    private T Finish<T>(T expr, Token start) where T : Expr
    {
        var end = Previous.Span;
        expr.Span = new SourceSpan(start.Span.File, start.Span.Line, start.Span.Column, end.EndLine, end.EndColumn);
        return expr;
    }

    public Expr ParseExpr() => ParseBinary(0);

    private Expr ParseBinary(int minLevel)
    {
        if (++_depth > MaxDepth) throw JsonnetException.Static("Exceeded maximum parse depth limit.", Current.Span);
        var start = Current;
        var left = ParseUnary();
        while (true)
        {
            var t = Current;
            string? op = t.Kind == TokenKind.Operator ? t.Text : t.Kind == TokenKind.In ? "in" : null;
            if (op == null || !BinaryLevels.TryGetValue(op, out int level) || level < minLevel) break;
            _pos++;
            if (op == "in" && Current.Kind == TokenKind.Super)
            {
                _pos++;
                left = Finish(new InSuperExpr(left), start);
                continue;
            }
            var right = ParseBinary(level + 1);
            Expr result = op == "!=" ? new UnaryExpr("!", Finish(new BinaryExpr("==", left, right), start)) : new BinaryExpr(op, left, right);
            left = Finish(result, start);
        }
        _depth--;
        return left;
    }

    private Expr ParseUnary()
    {
        var start = Current;
        if (start.Kind == TokenKind.Operator && start.Text is "-" or "+" or "!" or "~")
        {
            _pos++;
            if (++_depth > MaxDepth) throw JsonnetException.Static("Exceeded maximum parse depth limit.", Current.Span);
            var operand = ParseUnary();
            _depth--;
            return Finish(new UnaryExpr(start.Text, operand), start);
        }
        return ParsePostfix();
    }

    private Expr ParsePostfix()
    {
        var start = Current;
        var e = ParsePrimary();
        while (true)
        {
            switch (Current.Kind)
            {
                case TokenKind.Dot:
                {
                    _pos++;
                    var id = Expect(TokenKind.Identifier, "IDENTIFIER");
                    e = Finish(new IndexExpr(e, StringLiteral(id.Text, id)), start);
                    continue;
                }
                case TokenKind.LeftBracket:
                    _pos++;
                    e = ParseIndexOrSlice(e, start);
                    continue;
                case TokenKind.LeftParen:
                {
                    _pos++;
                    var args = ParseArgs();
                    bool tailStrict = false;
                    if (Current.Kind == TokenKind.TailStrict)
                    {
                        _pos++;
                        tailStrict = true;
                    }
                    e = Finish(new ApplyExpr(e, args, tailStrict), start);
                    continue;
                }
                case TokenKind.LeftBrace:
                {
                    var objStart = Current;
                    _pos++;
                    var obj = ParseObject(objStart);
                    e = Finish(new BinaryExpr("+", e, obj), start);
                    continue;
                }
            }
            return e;
        }
    }

    private static LiteralExpr StringLiteral(string s, Token t)
    {
        var lit = new LiteralExpr(new JString(s));
        lit.Span = t.Span;
        return lit;
    }

    private Expr ParseIndexOrSlice(Expr target, Token start)
    {
        Expr? from = null, to = null, step = null;
        bool isSlice = false;
        if (!IsOperator(":") && !IsOperator("::")) from = ParseExpr();
        if (IsOperator("::"))
        {
            isSlice = true;
            _pos++;
            if (Current.Kind != TokenKind.RightBracket) step = ParseExpr();
        }
        else if (IsOperator(":"))
        {
            isSlice = true;
            _pos++;
            if (Current.Kind != TokenKind.RightBracket && !IsOperator(":")) to = ParseExpr();
            if (IsOperator(":"))
            {
                _pos++;
                if (Current.Kind != TokenKind.RightBracket) step = ParseExpr();
            }
        }
        Expect(TokenKind.RightBracket, "\"]\"");
        if (!isSlice) return Finish(new IndexExpr(target, from!), start);
        return Finish(new SliceExpr(target, from, to, step), start);
    }

    private Arg[] ParseArgs()
    {
        var args = new List<Arg>();
        while (Current.Kind != TokenKind.RightParen)
        {
            string? name = null;
            if (Current.Kind == TokenKind.Identifier && _tokens[_pos + 1].Kind == TokenKind.Operator && _tokens[_pos + 1].Text == "=")
            {
                name = Current.Text;
                _pos += 2;
            }
            args.Add(new Arg(name, ParseExpr()));
            if (Current.Kind == TokenKind.Comma)
            {
                _pos++;
                continue;
            }
            if (Current.Kind != TokenKind.RightParen) throw JsonnetException.Static($"expected , or ) but got {Describe(Current)}", Current.Span);
        }
        _pos++;
        return args.ToArray();
    }

    private Param[] ParseParams()
    {
        Expect(TokenKind.LeftParen, "\"(\"");
        var ps = new List<Param>();
        while (Current.Kind != TokenKind.RightParen)
        {
            var id = Expect(TokenKind.Identifier, "IDENTIFIER");
            Expr? def = null;
            if (IsOperator("="))
            {
                _pos++;
                def = ParseExpr();
            }
            ps.Add(new Param(id.Text, def));
            if (Current.Kind == TokenKind.Comma)
            {
                _pos++;
                continue;
            }
            if (Current.Kind != TokenKind.RightParen) throw JsonnetException.Static($"expected , or ) but got {Describe(Current)}", Current.Span);
        }
        _pos++;
        return ps.ToArray();
    }

    private LocalBind ParseBind()
    {
        var id = Expect(TokenKind.Identifier, "IDENTIFIER");
        if (Current.Kind == TokenKind.LeftParen)
        {
            var fnStart = Current;
            var ps = ParseParams();
            ExpectOperator("=");
            var body = ParseExpr();
            return new LocalBind(id.Text, Finish(new FunctionExpr(ps, body), fnStart), id.Span);
        }
        ExpectOperator("=");
        return new LocalBind(id.Text, ParseExpr(), id.Span);
    }

    private Expr ParsePrimary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Null: _pos++; return Finish(new LiteralExpr(JNull.Instance), t);
            case TokenKind.True: _pos++; return Finish(new LiteralExpr(JBool.True), t);
            case TokenKind.False: _pos++; return Finish(new LiteralExpr(JBool.False), t);
            case TokenKind.Number:
                _pos++;
                double number = Lexer.ParseNumber(t.Text);
                if (!double.IsFinite(number)) return Finish(new ErrorExpr(StringLiteral("overflow", t)), t);
                return Finish(new LiteralExpr(JNumber.Of(number)), t);
            case TokenKind.String:
            case TokenKind.VerbatimString:
            case TokenKind.TextBlock:
                _pos++;
                return StringLiteral(t.Text, t);
            case TokenKind.Self: _pos++; return Finish(new SelfExpr(), t);
            case TokenKind.Dollar: _pos++; return Finish(new DollarExpr(), t);
            case TokenKind.Identifier: _pos++; return Finish(new VarExpr(t.Text), t);
            case TokenKind.Super:
            {
                _pos++;
                if (Current.Kind == TokenKind.Dot)
                {
                    _pos++;
                    var id = Expect(TokenKind.Identifier, "IDENTIFIER");
                    return Finish(new SuperIndexExpr(StringLiteral(id.Text, id)), t);
                }
                if (Current.Kind == TokenKind.LeftBracket)
                {
                    _pos++;
                    var index = ParseExpr();
                    Expect(TokenKind.RightBracket, "\"]\"");
                    return Finish(new SuperIndexExpr(index), t);
                }
                throw JsonnetException.Static("expected . or [ after super", Current.Span);
            }
            case TokenKind.LeftParen:
            {
                _pos++;
                var inner = ParseExpr();
                Expect(TokenKind.RightParen, "\")\"");
                return inner;
            }
            case TokenKind.LeftBrace:
                _pos++;
                return ParseObject(t);
            case TokenKind.LeftBracket:
                _pos++;
                return ParseArray(t);
            case TokenKind.Local:
            {
                _pos++;
                var binds = new List<LocalBind> { ParseBind() };
                while (Current.Kind == TokenKind.Comma)
                {
                    _pos++;
                    binds.Add(ParseBind());
                }
                Expect(TokenKind.Semicolon, "\";\"");
                var body = ParseExpr();
                return Finish(new LocalExpr(binds.ToArray(), body), t);
            }
            case TokenKind.If:
            {
                _pos++;
                var cond = ParseExpr();
                Expect(TokenKind.Then, "then");
                var then = ParseExpr();
                Expr? otherwise = null;
                if (Current.Kind == TokenKind.Else)
                {
                    _pos++;
                    otherwise = ParseExpr();
                }
                return Finish(new IfExpr(cond, then, otherwise), t);
            }
            case TokenKind.Function:
            {
                _pos++;
                var ps = ParseParams();
                var body = ParseExpr();
                return Finish(new FunctionExpr(ps, body), t);
            }
            case TokenKind.Assert:
            {
                _pos++;
                var cond = ParseExpr();
                Expr? msg = null;
                if (IsOperator(":"))
                {
                    _pos++;
                    msg = ParseExpr();
                }
                Expect(TokenKind.Semicolon, "\";\"");
                var rest = ParseExpr();
                return Finish(new AssertExpr(cond, msg, rest), t);
            }
            case TokenKind.Error:
            {
                _pos++;
                var msg = ParseExpr();
                return Finish(new ErrorExpr(msg), t);
            }
            case TokenKind.Import:
            case TokenKind.ImportStr:
            case TokenKind.ImportBin:
            {
                _pos++;
                var pathStart = Current;
                var pathExpr = ParseExpr();
                if (pathExpr is not LiteralExpr { Value: JString path } || pathStart.Kind == TokenKind.TextBlock)
                {
                    throw JsonnetException.Static("computed imports are not allowed.", pathExpr.Span);
                }
                var kind = t.Kind == TokenKind.Import ? ImportKind.Code : t.Kind == TokenKind.ImportStr ? ImportKind.String : ImportKind.Binary;
                return Finish(new ImportExpr(kind, path.Value), t);
            }
        }
        throw Unexpected("while parsing terminal");
    }

    private Expr ParseArray(Token start)
    {
        var items = new List<Expr>();
        while (Current.Kind != TokenKind.RightBracket)
        {
            items.Add(ParseExpr());
            if (Current.Kind == TokenKind.For)
            {
                if (items.Count != 1) throw Unexpected("");
                var specs = ParseCompSpecs(TokenKind.RightBracket);
                Expect(TokenKind.RightBracket, "\"]\"");
                return Finish(new ArrayCompExpr(items[0], specs), start);
            }
            if (Current.Kind == TokenKind.Comma)
            {
                _pos++;
                if (Current.Kind == TokenKind.For) throw Unexpected("");
                continue;
            }
            if (Current.Kind != TokenKind.RightBracket) throw JsonnetException.Static($"expected a comma before next array element.", Current.Span);
        }
        _pos++;
        return Finish(new ArrayExpr(items.ToArray()), start);
    }

    private CompSpec[] ParseCompSpecs(TokenKind end)
    {
        var specs = new List<CompSpec>();
        while (Current.Kind != end)
        {
            if (Current.Kind == TokenKind.For)
            {
                _pos++;
                var id = Expect(TokenKind.Identifier, "IDENTIFIER");
                Expect(TokenKind.In, "in");
                specs.Add(new CompSpec(id.Text, ParseExpr()));
            }
            else if (Current.Kind == TokenKind.If)
            {
                if (specs.Count == 0) throw Unexpected("");
                _pos++;
                specs.Add(new CompSpec(null, ParseExpr()));
            }
            else
            {
                throw Unexpected("");
            }
        }
        return specs.ToArray();
    }

    private sealed record Member(FieldSpec? Field, LocalBind? Local, Expr? Assert, Token Start, bool Computed);

    private Expr ParseObject(Token start)
    {
        var members = new List<Member>();
        while (Current.Kind != TokenKind.RightBrace)
        {
            var memberStart = Current;
            if (Current.Kind == TokenKind.Local)
            {
                _pos++;
                members.Add(new Member(null, ParseBind(), null, memberStart, false));
            }
            else if (Current.Kind == TokenKind.Assert)
            {
                _pos++;
                var cond = ParseExpr();
                Expr? msg = null;
                if (IsOperator(":"))
                {
                    _pos++;
                    msg = ParseExpr();
                }
                members.Add(new Member(null, null, Finish(new ObjectAssertExpr(cond, msg), memberStart), memberStart, false));
            }
            else
            {
                members.Add(ParseField(memberStart));
            }
            if (Current.Kind == TokenKind.For)
            {
                return ParseObjectComprehension(start, members);
            }
            if (Current.Kind == TokenKind.Comma)
            {
                _pos++;
                continue;
            }
            if (Current.Kind != TokenKind.RightBrace) throw JsonnetException.Static("expected a comma before next field.", Current.Span);
        }
        _pos++;
        var fields = members.Where(m => m.Field != null).Select(m => m.Field!).ToArray();
        var locals = members.Where(m => m.Local != null).Select(m => m.Local!).ToArray();
        var asserts = members.Where(m => m.Assert != null).Select(m => m.Assert!).ToArray();
        return Finish(new ObjectExpr(fields, locals, asserts), start);
    }

    private Expr ParseObjectComprehension(Token start, List<Member> members)
    {
        var fields = members.Where(m => m.Field != null).ToList();
        if (fields.Count != 1 || members.Any(m => m.Assert != null))
        {
            throw JsonnetException.Static("Object comprehension can only have one field.", Current.Span);
        }
        if (!fields[0].Computed) throw JsonnetException.Static("Object comprehensions can only have [e] fields.", fields[0].Start.Span);
        var specs = ParseCompSpecs(TokenKind.RightBrace);
        Expect(TokenKind.RightBrace, "\"}\"");
        var f = fields[0].Field!;
        var locals = members.Where(m => m.Local != null).Select(m => m.Local!).ToArray();
        return Finish(new ObjectCompExpr(locals, f.Name, f.Body, f.Plus, specs), start);
    }

    private Member ParseField(Token start)
    {
        Expr name;
        bool computed = false;
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Identifier:
            case TokenKind.String:
            case TokenKind.VerbatimString:
            case TokenKind.TextBlock:
                _pos++;
                name = StringLiteral(t.Text, t);
                break;
            case TokenKind.LeftBracket:
                _pos++;
                name = ParseExpr();
                Expect(TokenKind.RightBracket, "\"]\"");
                computed = true;
                break;
            default:
                throw Unexpected("while parsing field definition");
        }
        Param[]? ps = null;
        Token? fnStart = null;
        if (Current.Kind == TokenKind.LeftParen)
        {
            fnStart = Current;
            ps = ParseParams();
        }
        if (Current.Kind != TokenKind.Operator) throw Unexpected("while parsing field definition");
        string op = Current.Text;
        bool plus = false;
        if (op.StartsWith('+'))
        {
            plus = true;
            op = op[1..];
        }
        var visibility = op switch
        {
            ":" => Visibility.Inherit,
            "::" => Visibility.Hidden,
            ":::" => Visibility.Visible,
            _ => throw Unexpected("while parsing field definition"),
        };
        if (plus && ps != null) throw JsonnetException.Static("Cannot use +: syntax sugar in a method", Current.Span);
        _pos++;
        var body = ParseExpr();
        if (ps != null) body = Finish(new FunctionExpr(ps, body), fnStart!.Value);
        return new Member(new FieldSpec(name, visibility, plus, body), null, null, start, computed);
    }
}
