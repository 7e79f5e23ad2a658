using System.Globalization;
using System.Text;

namespace Jsonnet;

internal enum TokenKind
{
    Identifier, Number, String, VerbatimString, TextBlock, Operator,
    LeftBrace, RightBrace, LeftBracket, RightBracket, LeftParen, RightParen,
    Comma, Dot, Semicolon, Dollar, EndOfFile,
    // keywords
    Assert, Else, Error, False, For, Function, If, Import, ImportStr, ImportBin, In,
    Local, Null, TailStrict, Then, Self, Super, True,
}

internal readonly record struct Token(TokenKind Kind, string Text, SourceSpan Span);

/// <summary>Turns Jsonnet source text into tokens.</summary>
internal sealed class Lexer
{
    private static readonly Dictionary<string, TokenKind> Keywords = new()
    {
        ["assert"] = TokenKind.Assert, ["else"] = TokenKind.Else, ["error"] = TokenKind.Error,
        ["false"] = TokenKind.False, ["for"] = TokenKind.For, ["function"] = TokenKind.Function,
        ["if"] = TokenKind.If, ["import"] = TokenKind.Import, ["importstr"] = TokenKind.ImportStr,
        ["importbin"] = TokenKind.ImportBin, ["in"] = TokenKind.In, ["local"] = TokenKind.Local,
        ["null"] = TokenKind.Null, ["tailstrict"] = TokenKind.TailStrict, ["then"] = TokenKind.Then,
        ["self"] = TokenKind.Self, ["super"] = TokenKind.Super, ["true"] = TokenKind.True,
    };

    private const string OperatorChars = "!$:~+-&|^=<>*/%";

    private readonly string _src;
    private readonly string _file;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public Lexer(string source, string file)
    {
        _src = source;
        _file = file;
    }

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        if (_src.StartsWith("#!", StringComparison.Ordinal))
        {
            while (_pos < _src.Length && _src[_pos] != '\n') _pos++;
        }
        while (true)
        {
            SkipWhitespaceAndComments();
            if (_pos >= _src.Length)
            {
                tokens.Add(new Token(TokenKind.EndOfFile, "", Span(_line, Column, _line, Column)));
                return tokens;
            }
            tokens.Add(Next());
        }
    }

    private int Column => _pos - _lineStart + 1;

    private SourceSpan Span(int line, int col, int endLine, int endCol) => new(_file, line, col, endLine, endCol);

    private JsonnetException Error(string message, int line, int col) =>
        JsonnetException.Static(message, Span(line, col, line, col));

    private void Advance()
    {
        if (_src[_pos] == '\n')
        {
            _line++;
            _lineStart = _pos + 1;
        }
        _pos++;
    }

    private void SkipWhitespaceAndComments()
    {
        while (_pos < _src.Length)
        {
            char c = _src[_pos];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            {
                Advance();
            }
            else if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (_pos < _src.Length && _src[_pos] != '\n') _pos++;
            }
            else if (c == '/' && Peek(1) == '*')
            {
                int line = _line, col = Column;
                _pos += 2;
                while (true)
                {
                    if (_pos >= _src.Length) throw Error("Multi-line comment has no terminating */.", line, col);
                    if (_src[_pos] == '*' && Peek(1) == '/')
                    {
                        _pos += 2;
                        break;
                    }
                    Advance();
                }
            }
            else
            {
                return;
            }
        }
    }

    private char Peek(int offset) => _pos + offset < _src.Length ? _src[_pos + offset] : '\0';

    private Token Next()
    {
        int line = _line, col = Column, start = _pos;
        char c = _src[_pos];
        TokenKind? punct = c switch
        {
            '{' => TokenKind.LeftBrace, '}' => TokenKind.RightBrace,
            '[' => TokenKind.LeftBracket, ']' => TokenKind.RightBracket,
            '(' => TokenKind.LeftParen, ')' => TokenKind.RightParen,
            ',' => TokenKind.Comma, '.' => TokenKind.Dot, ';' => TokenKind.Semicolon,
            _ => null,
        };
        if (punct != null)
        {
            _pos++;
            return new Token(punct.Value, c.ToString(), Span(line, col, line, col + 1));
        }
        if (char.IsAsciiDigit(c)) return LexNumber(line, col);
        if (char.IsAsciiLetter(c) || c == '_')
        {
            while (_pos < _src.Length && (char.IsAsciiLetterOrDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
            string word = _src[start.._pos];
            var kind = Keywords.TryGetValue(word, out var k) ? k : TokenKind.Identifier;
            return new Token(kind, word, Span(line, col, line, Column));
        }
        if (c == '"' || c == '\'')
        {
            _pos++;
            string s = LexQuoted(c, line, col);
            return new Token(TokenKind.String, s, Span(line, col, _line, Column));
        }
        if (c == '@' && (Peek(1) == '"' || Peek(1) == '\''))
        {
            char q = Peek(1);
            _pos += 2;
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= _src.Length) throw Error("Unterminated string", line, col);
                char d = _src[_pos];
                if (d == q)
                {
                    if (Peek(1) == q)
                    {
                        sb.Append(q);
                        _pos += 2;
                        continue;
                    }
                    _pos++;
                    break;
                }
                sb.Append(d);
                Advance();
            }
            return new Token(TokenKind.VerbatimString, sb.ToString(), Span(line, col, _line, Column));
        }
        if (c == '|' && Peek(1) == '|' && Peek(2) == '|')
        {
            string s = LexTextBlock(line, col);
            return new Token(TokenKind.TextBlock, s, Span(line, col, _line, Column));
        }
        if (c == '$' && !IsOperatorChar(Peek(1)))
        {
            _pos++;
            return new Token(TokenKind.Dollar, "$", Span(line, col, line, col + 1));
        }
        if (IsOperatorChar(c)) return LexOperator(line, col);
        throw Error($"Could not lex the character '{c}'", line, col);
    }

    private static bool IsOperatorChar(char c) => c != '\0' && OperatorChars.Contains(c);

    private Token LexOperator(int line, int col)
    {
        int start = _pos;
        while (_pos < _src.Length && IsOperatorChar(_src[_pos]))
        {
            // A comment start ends the operator.
            if (_src[_pos] == '/' && (Peek(1) == '/' || Peek(1) == '*')) break;
            if (_src[_pos] == '|' && Peek(1) == '|' && Peek(2) == '|' && _pos > start) break;
            _pos++;
        }
        if (_pos == start) _pos++;
        // Multi-character operators may not end in + - ~ ! $ (so "a=-1" lexes as "=" "-").
        while (_pos - start > 1 && "+-~!$".Contains(_src[_pos - 1])) _pos--;
        string op = _src[start.._pos];
        return new Token(TokenKind.Operator, op, Span(line, col, line, col + op.Length));
    }

    private Token LexNumber(int line, int col)
    {
        int start = _pos;
        var digits = new StringBuilder();
        void Digits()
        {
            while (_pos < _src.Length)
            {
                char d = _src[_pos];
                if (char.IsAsciiDigit(d))
                {
                    digits.Append(d);
                    _pos++;
                }
                else if (d == '_' && char.IsAsciiDigit(Peek(1)) && _pos > start && char.IsAsciiDigit(_src[_pos - 1]))
                {
                    _pos++;
                }
                else
                {
                    break;
                }
            }
        }
        if (_src[_pos] == '0' && char.IsAsciiDigit(Peek(1)))
        {
            // Leading zeros: "0" is its own token, as in the reference lexer.
            _pos++;
            digits.Append('0');
        }
        else
        {
            Digits();
        }
        if (Peek(0) == '.')
        {
            if (!char.IsAsciiDigit(Peek(1))) throw Error($"Couldn't lex number, junk after decimal point: '{Peek(1)}'", line, col);
            digits.Append('.');
            _pos++;
            Digits();
        }
        if (Peek(0) == 'e' || Peek(0) == 'E')
        {
            digits.Append('e');
            _pos++;
            if (Peek(0) == '+' || Peek(0) == '-')
            {
                digits.Append(_src[_pos]);
                _pos++;
            }
            if (!char.IsAsciiDigit(Peek(0))) throw Error($"Couldn't lex number, junk after 'E': '{Peek(0)}'", line, col);
            Digits();
        }
        if (Peek(0) == '_') throw Error("Couldn't lex number, invalid digit separator", line, col);
        return new Token(TokenKind.Number, digits.ToString(), Span(line, col, line, Column));
    }

    private string LexQuoted(char quote, int line, int col)
    {
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _src.Length) throw Error("Unterminated string", line, col);
            char c = _src[_pos];
            if (c == quote)
            {
                _pos++;
                return sb.ToString();
            }
            if (c != '\\')
            {
                sb.Append(c);
                Advance();
                continue;
            }
            int escLine = _line, escCol = Column;
            _pos++;
            if (_pos >= _src.Length) throw Error("Unterminated string", line, col);
            char e = _src[_pos++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\'': sb.Append('\''); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    int code = ReadHex4(escLine, escCol);
                    if (code >= 0xD800 && code < 0xDC00 && Peek(0) == '\\' && Peek(1) == 'u')
                    {
                        int save = _pos;
                        _pos += 2;
                        int low = ReadHex4(escLine, escCol);
                        if (low >= 0xDC00 && low < 0xE000)
                        {
                            sb.Append((char)code).Append((char)low);
                            break;
                        }
                        _pos = save;
                    }
                    sb.Append((char)code);
                    break;
                default:
                    throw Error($"Unknown escape sequence in string literal: '\\{e}'", escLine, escCol);
            }
        }
    }

    private int ReadHex4(int line, int col)
    {
        int v = 0;
        for (int i = 0; i < 4; i++)
        {
            char h = Peek(0);
            if (!char.IsAsciiHexDigit(h)) throw Error("Invalid unicode escape sequence, expected 4 hex digits", line, col);
            v = v * 16 + int.Parse(h.ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            _pos++;
        }
        return v;
    }

    private string LexTextBlock(int line, int col)
    {
        _pos += 3;
        bool chomp = false;
        if (Peek(0) == '-')
        {
            chomp = true;
            _pos++;
        }
        while (_pos < _src.Length && (_src[_pos] == ' ' || _src[_pos] == '\t' || _src[_pos] == '\r')) _pos++;
        if (Peek(0) == '\r' && Peek(1) == '\n') _pos++;
        if (Peek(0) != '\n') throw Error("Text block syntax requires new line after |||.", line, col);
        Advance();
        // Blank lines before the first content line belong to the block.
        var sb = new StringBuilder();
        while (Peek(0) == '\n' || (Peek(0) == '\r' && Peek(1) == '\n'))
        {
            if (Peek(0) == '\r')
            {
                sb.Append('\r');
                _pos++;
            }
            Advance();
            sb.Append('\n');
        }
        int indentStart = _pos;
        while (_pos < _src.Length && (_src[_pos] == ' ' || _src[_pos] == '\t')) _pos++;
        string indent = _src[indentStart.._pos];
        if (indent.Length == 0) throw Error("Text block's first line must start with whitespace.", line, col);
        while (true)
        {
            // Read the rest of the current line (the indent has been consumed).
            while (true)
            {
                if (_pos >= _src.Length) throw Error("Unexpected EOF", line, col);
                char c = _src[_pos];
                if (c == '\n')
                {
                    sb.Append('\n');
                    Advance();
                    break;
                }
                sb.Append(c);
                _pos++;
            }
            // Blank lines keep going.
            while (Peek(0) == '\n' || (Peek(0) == '\r' && Peek(1) == '\n'))
            {
                if (Peek(0) == '\r')
                {
                    sb.Append('\r');
                    _pos++;
                }
                Advance();
                sb.Append('\n');
            }
            if (string.CompareOrdinal(_src, _pos, indent, 0, indent.Length) == 0)
            {
                _pos += indent.Length;
                continue;
            }
            // The block must end here with optional whitespace and |||.
            int p = _pos;
            while (p < _src.Length && (_src[p] == ' ' || _src[p] == '\t')) p++;
            if (p + 2 < _src.Length && _src[p] == '|' && _src[p + 1] == '|' && _src[p + 2] == '|')
            {
                _pos = p + 3;
                break;
            }
            if (p >= _src.Length) throw Error("Unexpected EOF", line, col);
            throw Error("Text block not terminated with |||", _line, Column);
        }
        string text = sb.ToString();
        if (chomp && text.EndsWith('\n')) text = text[..^1];
        return text;
    }

    public static double ParseNumber(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
