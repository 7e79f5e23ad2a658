namespace GoTemplates.Parsing;

internal enum TokenType
{
    Error, Bool, Char, CharConstant, Comment, Complex, Assign, Declare, EOF, Field, Identifier,
    LeftDelim, LeftParen, Number, Pipe, RawString, RightDelim, RightParen, Space, String, Text, Variable,
    // Keywords follow.
    Keyword, Block, Break, Continue, Dot, Define, Else, End, If, Nil, Range, Template, With,
}

internal readonly record struct Token(TokenType Type, int Pos, string Value, int Line)
{
    public override string ToString() => Type switch
    {
        TokenType.EOF => "EOF",
        TokenType.Error => Value,
        > TokenType.Keyword => "<" + Value + ">",
        _ when Value.Length > 10 => GoQuote.Quote(Value[..10]) + "...",
        _ => GoQuote.Quote(Value),
    };
}

/// <summary>Splits template text into tokens the way Go's text/template lexer does.</summary>
internal sealed class Lexer
{
    private const string LeftDelim = "{{";
    private const string RightDelim = "}}";
    private const string LeftComment = "/*";
    private const string RightComment = "*/";

    private static readonly Dictionary<string, TokenType> Keywords = new()
    {
        ["."] = TokenType.Dot, ["block"] = TokenType.Block, ["break"] = TokenType.Break,
        ["continue"] = TokenType.Continue, ["define"] = TokenType.Define, ["else"] = TokenType.Else,
        ["end"] = TokenType.End, ["if"] = TokenType.If, ["range"] = TokenType.Range, ["nil"] = TokenType.Nil,
        ["template"] = TokenType.Template, ["with"] = TokenType.With,
    };

    private readonly string _input;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _start;
    private int _line = 1;
    private int _startLine = 1;
    private int _parenDepth;
    private bool _insideAction;

    private Lexer(string input) => _input = input;

    public static List<Token> Tokenize(string input)
    {
        var lexer = new Lexer(input);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (true)
        {
            bool ok = _insideAction ? LexInsideAction() : LexText();
            if (!ok) return;
        }
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';
    private static bool IsAlphaNumeric(char c) => c == '_' || char.IsLetterOrDigit(c);

    private void Emit(TokenType type)
    {
        string value = _input[_start.._pos];
        _tokens.Add(new Token(type, _start, value, _startLine));
        _line += Count(value, '\n');
        _start = _pos;
        _startLine = _line;
    }

    private void Ignore()
    {
        _line += Count(_input.AsSpan(_start, _pos - _start), '\n');
        _start = _pos;
        _startLine = _line;
    }

    private static int Count(ReadOnlySpan<char> s, char c)
    {
        int n = 0;
        foreach (var ch in s) if (ch == c) n++;
        return n;
    }

    private bool Error(string message)
    {
        _tokens.Add(new Token(TokenType.Error, _start, message, _startLine));
        _tokens.Add(new Token(TokenType.EOF, _pos, "", _startLine));
        return false;
    }

    private char Peek(int offset = 0) => _pos + offset < _input.Length ? _input[_pos + offset] : '\0';
    private bool AtEnd => _pos >= _input.Length;

    private bool LexText()
    {
        int x = _input.IndexOf(LeftDelim, _pos, StringComparison.Ordinal);
        if (x < 0)
        {
            _pos = _input.Length;
            if (_pos > _start) Emit(TokenType.Text);
            _tokens.Add(new Token(TokenType.EOF, _pos, "", _line));
            return false;
        }
        bool trimLeft = HasLeftTrimMarker(x + LeftDelim.Length);
        int textEnd = x;
        if (trimLeft)
        {
            while (textEnd > _start && IsSpace(_input[textEnd - 1])) textEnd--;
        }
        _pos = textEnd;
        if (_pos > _start) Emit(TokenType.Text);
        _pos = x;
        Ignore();
        return LexLeftDelim(trimLeft);
    }

    private bool HasLeftTrimMarker(int at) =>
        at + 1 < _input.Length && _input[at] == '-' && IsSpace(_input[at + 1]);

    private bool LexLeftDelim(bool trimLeft)
    {
        _pos += LeftDelim.Length;
        int afterMarker = trimLeft ? 2 : 0;
        if (string.CompareOrdinal(_input, _pos + afterMarker, LeftComment, 0, LeftComment.Length) == 0)
        {
            _pos += afterMarker;
            Ignore();
            return LexComment();
        }
        Emit(TokenType.LeftDelim);
        _pos += afterMarker;
        Ignore();
        _insideAction = true;
        _parenDepth = 0;
        return true;
    }

    private bool LexComment()
    {
        _pos += LeftComment.Length;
        int x = _input.IndexOf(RightComment, _pos, StringComparison.Ordinal);
        if (x < 0) return Error("unclosed comment");
        _pos = x + RightComment.Length;
        var (delim, trimRight) = AtRightDelim();
        if (!delim) return Error("comment ends before closing delimiter");
        Emit(TokenType.Comment);
        if (trimRight) _pos += 2;
        _pos += RightDelim.Length;
        if (trimRight) SkipLeadingSpace();
        Ignore();
        return true;
    }

    private void SkipLeadingSpace()
    {
        while (_pos < _input.Length && IsSpace(_input[_pos])) _pos++;
    }

    private (bool Delim, bool Trim) AtRightDelim()
    {
        if (IsSpace(Peek()) && Peek(1) == '-' &&
            string.CompareOrdinal(_input, _pos + 2, RightDelim, 0, 2) == 0)
            return (true, true);
        if (string.CompareOrdinal(_input, _pos, RightDelim, 0, 2) == 0) return (true, false);
        return (false, false);
    }

    private bool LexRightDelim(bool trimRight)
    {
        if (trimRight)
        {
            _pos += 2;
            Ignore();
        }
        _pos += RightDelim.Length;
        Emit(TokenType.RightDelim);
        if (trimRight)
        {
            SkipLeadingSpace();
            Ignore();
        }
        _insideAction = false;
        return true;
    }

    private bool LexInsideAction()
    {
        var (delim, trim) = AtRightDelim();
        if (delim)
        {
            if (_parenDepth == 0) return LexRightDelim(trim);
            return Error("unclosed left paren");
        }
        if (AtEnd) return Error("unclosed action");
        char r = _input[_pos++];
        switch (r)
        {
            case var _ when IsSpace(r):
                _pos--;
                return LexSpace();
            case '=':
                Emit(TokenType.Assign);
                return true;
            case ':':
                if (Peek() != '=') return Error("expected :=");
                _pos++;
                Emit(TokenType.Declare);
                return true;
            case '|':
                Emit(TokenType.Pipe);
                return true;
            case '"':
                return LexQuote();
            case '`':
                return LexRawQuote();
            case '$':
                return LexFieldOrVariable(TokenType.Variable);
            case '\'':
                return LexChar();
            case '.':
                if (!AtEnd && (Peek() < '0' || Peek() > '9')) return LexFieldOrVariable(TokenType.Field);
                _pos--;
                return LexNumber();
            case '+' or '-' or (>= '0' and <= '9'):
                _pos--;
                return LexNumber();
            case '(':
                _parenDepth++;
                Emit(TokenType.LeftParen);
                return true;
            case ')':
                // Go emits the paren before reporting it, so the parser complains about it first.
                Emit(TokenType.RightParen);
                _parenDepth--;
                if (_parenDepth < 0) return Error("unexpected right paren");
                return true;
        }
        if (IsAlphaNumeric(r))
        {
            _pos--;
            return LexIdentifier();
        }
        if (r < 128 && !char.IsControl(r))
        {
            Emit(TokenType.Char);
            return true;
        }
        if (char.IsHighSurrogate(r) && !AtEnd) _pos++;
        return Error("unrecognized character in action: " + GoQuote.UnicodeName(char.ConvertToUtf32(_input, _pos - (char.IsHighSurrogate(r) ? 2 : 1))));
    }

    private bool LexSpace()
    {
        while (!AtEnd && IsSpace(Peek()))
        {
            // Stop before " -}}" so the trim marker is seen.
            if (Peek(1) == '-' && string.CompareOrdinal(_input, _pos + 2, RightDelim, 0, 2) == 0)
            {
                if (_pos > _start) Emit(TokenType.Space);
                return true;
            }
            _pos++;
        }
        Emit(TokenType.Space);
        return true;
    }

    private bool LexIdentifier()
    {
        while (!AtEnd && IsAlphaNumeric(Peek())) _pos++;
        if (!AtTerminator()) return Error("bad character " + GoQuote.UnicodeName(Peek()));
        string word = _input[_start.._pos];
        if (Keywords.TryGetValue(word, out var key) && key > TokenType.Keyword) Emit(key);
        else if (word is "true" or "false") Emit(TokenType.Bool);
        else Emit(TokenType.Identifier);
        return true;
    }

    private bool LexFieldOrVariable(TokenType type)
    {
        if (AtTerminator())
        {
            Emit(type == TokenType.Variable ? TokenType.Variable : TokenType.Dot);
            return true;
        }
        while (!AtEnd && IsAlphaNumeric(Peek())) _pos++;
        if (!AtTerminator()) return Error("bad character " + GoQuote.UnicodeName(Peek()));
        Emit(type);
        return true;
    }

    private bool AtTerminator()
    {
        if (AtEnd) return true;
        char r = Peek();
        if (IsSpace(r)) return true;
        if (r is '.' or ',' or '|' or ':' or ')' or '(') return true;
        return string.CompareOrdinal(_input, _pos, RightDelim, 0, 2) == 0;
    }

    private bool LexChar()
    {
        while (true)
        {
            if (AtEnd || Peek() == '\n') return Error("unterminated character constant");
            char c = _input[_pos++];
            if (c == '\\')
            {
                if (AtEnd || Peek() == '\n') return Error("unterminated character constant");
                _pos++;
            }
            else if (c == '\'') break;
        }
        Emit(TokenType.CharConstant);
        return true;
    }

    private bool LexNumber()
    {
        if (!ScanNumber()) return Error("bad number syntax: " + GoQuote.Quote(_input[_start.._pos]));
        char sign = _input[_start];
        if ((sign == '+' || sign == '-') && Peek() is '+' or '-')
        {
            // A complex number such as 1+2i.
            if (!ScanNumber() || _input[_pos - 1] != 'i')
                return Error("bad number syntax: " + GoQuote.Quote(_input[_start.._pos]));
            Emit(TokenType.Complex);
            return true;
        }
        Emit(TokenType.Number);
        return true;
    }

    private bool Accept(string valid)
    {
        if (!AtEnd && valid.Contains(Peek())) { _pos++; return true; }
        return false;
    }

    private void AcceptRun(string valid)
    {
        while (!AtEnd && valid.Contains(Peek())) _pos++;
    }

    private bool ScanNumber()
    {
        Accept("+-");
        string digits = "0123456789_";
        if (Accept("0"))
        {
            if (Accept("xX")) digits = "0123456789abcdefABCDEF_";
            else if (Accept("oO")) digits = "01234567_";
            else if (Accept("bB")) digits = "01_";
        }
        AcceptRun(digits);
        if (Accept(".")) AcceptRun(digits);
        if (digits.Length == 11 && Accept("eE"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }
        if (digits.Length == 23 && Accept("pP"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }
        Accept("i");
        if (!AtEnd && IsAlphaNumeric(Peek()))
        {
            _pos++;
            return false;
        }
        return true;
    }

    private bool LexQuote()
    {
        while (true)
        {
            if (AtEnd || Peek() == '\n') return Error("unterminated quoted string");
            char c = _input[_pos++];
            if (c == '\\')
            {
                if (AtEnd || Peek() == '\n') return Error("unterminated quoted string");
                _pos++;
            }
            else if (c == '"') break;
        }
        Emit(TokenType.String);
        return true;
    }

    private bool LexRawQuote()
    {
        int x = _input.IndexOf('`', _pos);
        if (x < 0) return Error("unterminated raw quoted string");
        _pos = x + 1;
        Emit(TokenType.RawString);
        return true;
    }
}
