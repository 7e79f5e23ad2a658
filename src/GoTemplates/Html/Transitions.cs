using System.Net;

namespace GoTemplates.Html;

/// <summary>Moves an HTML context across a run of template text, following html/template's transition rules.</summary>
internal static class Transitions
{
    private static readonly HashSet<string> RegexpPrecederKeywords =
        ["break", "case", "continue", "delete", "do", "else", "finally", "in", "instanceof", "return", "throw", "try", "typeof", "void"];

    private static readonly HashSet<string> UrlAttributes =
        ["action", "archive", "background", "cite", "classid", "codebase", "data", "formaction", "href", "icon", "longdesc", "manifest", "poster", "profile", "src", "usemap", "xmlns"];

    // Attributes known to hold plain text even though the heuristics below would say otherwise.
    private static readonly HashSet<string> PlainAttributes =
        ["accept", "accept-charset", "accesskey", "alt", "async", "autocomplete", "autofocus", "autoplay", "border", "challenge", "charset",
         "checked", "class", "cols", "colspan", "content", "contenteditable", "contextmenu", "controls", "coords", "crossorigin", "datetime",
         "default", "defer", "dir", "dirname", "disabled", "draggable", "dropzone", "enctype", "for", "form", "formenctype", "formmethod",
         "formnovalidate", "formtarget", "headers", "height", "hidden", "high", "hreflang", "http-equiv", "id", "ismap", "keytype", "kind",
         "label", "lang", "language", "list", "loop", "low", "max", "maxlength", "media", "mediagroup", "method", "min", "multiple", "name",
         "novalidate", "open", "optimum", "pattern", "placeholder", "preload", "pubdate", "radiogroup", "readonly", "rel", "required",
         "reversed", "rows", "rowspan", "sandbox", "spellcheck", "scope", "scoped", "seamless", "selected", "shape", "size", "sizes", "span",
         "srcdoc", "srclang", "start", "step", "tabindex", "target", "title", "type", "value", "width", "wrap"];

    public enum ContentType { Plain, Url, Css, Js, Srcset }

    public static ContentType AttrType(string name)
    {
        if (name.StartsWith("data-", StringComparison.Ordinal)) name = name[5..];
        else
        {
            int colon = name.IndexOf(':');
            if (colon >= 0)
            {
                if (name[..colon] == "xmlns") return ContentType.Url;
                name = name[(colon + 1)..];
            }
        }
        if (UrlAttributes.Contains(name)) return ContentType.Url;
        if (name == "style") return ContentType.Css;
        if (name == "srcset") return ContentType.Srcset;
        if (PlainAttributes.Contains(name)) return ContentType.Plain;
        if (name.StartsWith("on", StringComparison.Ordinal)) return ContentType.Js;
        if (name.Contains("src") || name.Contains("uri") || name.Contains("url")) return ContentType.Url;
        return ContentType.Plain;
    }

    private static State AttrStartState(AttrKind a) => a switch
    {
        AttrKind.Script => State.Js,
        AttrKind.Style => State.Css,
        AttrKind.Url => State.Url,
        AttrKind.Srcset => State.Srcset,
        _ => State.Attr,
    };

    private static State ElementContentType(Element e) => e switch
    {
        Element.Script => State.Js,
        Element.Style => State.Css,
        Element.Textarea or Element.Title => State.RcData,
        _ => State.Text,
    };

    /// <summary>Nudges a context so an action placed there has a definite meaning.</summary>
    public static Context Nudge(Context c) => c.State switch
    {
        State.Tag => c with { State = State.AttrName },
        State.BeforeValue => c with { State = AttrStartState(c.Attr), Delim = Delim.SpaceOrTagEnd, Attr = AttrKind.None },
        State.AfterName => c with { State = State.AttrName, Attr = AttrKind.None },
        _ => c,
    };

    private static bool IsHtmlSpace(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';

    private static int EatWhiteSpace(string s, int i)
    {
        while (i < s.Length && IsHtmlSpace(s[i])) i++;
        return i;
    }

    /// <summary>Returns the context after s (or a prefix of it) and how many characters were consumed.</summary>
    public static (Context, int) AfterText(Context c, string s)
    {
        if (c.Delim == Delim.None)
        {
            var (c1, i) = SpecialTagEnd(c, s);
            if (i == 0) return (c1, 0);
            return Transition(c, s[..i]);
        }
        string ends = c.Delim switch { Delim.DoubleQuote => "\"", Delim.SingleQuote => "'", _ => " \t\n\f\r>" };
        int end = s.AsSpan().IndexOfAny(ends);
        if (end < 0) end = s.Length;
        if (c.Delim == Delim.SpaceOrTagEnd)
        {
            int j = s.AsSpan(0, end).IndexOfAny("\"'<=`");
            if (j >= 0) return (Context.Fail($"{GoQuote.Quote(s[j].ToString())} in unquoted attr: {GoQuote.Quote(s[..end])}"), s.Length);
        }
        if (end == s.Length)
        {
            string u = WebUtility.HtmlDecode(s);
            while (u.Length != 0)
            {
                var (c1, i1) = Transition(c, u);
                c = c1;
                u = u[i1..];
                if (c.State == State.Error) break;
            }
            return (c, s.Length);
        }
        var element = c.Element;
        if (c.State == State.Attr && c.Element == Element.Script && c.Attr == AttrKind.ScriptType && !IsJsType(s[..end]))
            element = Element.None;
        if (c.Delim != Delim.SpaceOrTagEnd) end++;
        return (new Context(State.Tag, Element: element), end);
    }

    private static bool IsJsType(string mime)
    {
        mime = mime.Split(';')[0].Trim().ToLowerInvariant();
        if (mime.StartsWith("text/", StringComparison.Ordinal) && mime.Length == 5) return true;
        return mime is "application/ecmascript" or "application/javascript" or "application/json" or "application/ld+json"
            or "application/x-ecmascript" or "application/x-javascript" or "module" or "text/ecmascript" or "text/javascript"
            or "text/javascript1.0" or "text/javascript1.1" or "text/javascript1.2" or "text/javascript1.3" or "text/javascript1.4"
            or "text/javascript1.5" or "text/jscript" or "text/livescript" or "text/x-ecmascript" or "text/x-javascript" or "";
    }

    private static (Context, int) SpecialTagEnd(Context c, string s)
    {
        if (c.Element != Element.None)
        {
            // A browser ends the element at its end tag even inside a JS string or comment, so the context does too.
            string tag = c.Element switch { Element.Script => "script", Element.Style => "style", Element.Textarea => "textarea", _ => "title" };
            int i = IndexTagEnd(s, tag);
            if (i >= 0) return (new Context(), i);
        }
        return (c, s.Length);
    }

    private static int IndexTagEnd(string s, string tag)
    {
        int offset = 0;
        while (true)
        {
            int i = s.IndexOf("</", offset, StringComparison.Ordinal);
            if (i < 0) return -1;
            int after = i + 2;
            if (after + tag.Length <= s.Length && string.Compare(s, after, tag, 0, tag.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                int k = after + tag.Length;
                if (k < s.Length && (IsHtmlSpace(s[k]) || s[k] == '/' || s[k] == '>')) return i;
            }
            offset = after;
        }
    }

    private static (Context, int) Transition(Context c, string s) => c.State switch
    {
        State.Text => TText(c, s),
        State.Tag => TTag(c, s),
        State.AttrName => TAttrName(c, s),
        State.AfterName => TAfterName(c, s),
        State.BeforeValue => TBeforeValue(c, s),
        State.HtmlComment => TEndMarker(c, s, "-->", State.Text),
        State.RcData or State.Attr => (c, s.Length),
        State.Url or State.Srcset => TUrl(c, s),
        State.Js => TJs(c, s),
        State.JsDqStr or State.JsSqStr or State.JsBqStr or State.JsRegexp => TJsDelimited(c, s),
        State.JsBlockComment => TEndMarker(c, s, "*/", State.Js),
        State.CssBlockComment => TEndMarker(c, s, "*/", State.Css),
        State.JsLineComment => TLineComment(c, s, "\n\r\u2028\u2029", State.Js),
        State.CssLineComment => TLineComment(c, s, "\n\f\r", State.Css),
        State.Css => TCss(c, s),
        State.CssDqStr or State.CssSqStr or State.CssDqUrl or State.CssSqUrl or State.CssUrl => TCssStr(c, s),
        _ => (c, s.Length),
    };

    private static (Context, int) TText(Context c, string s)
    {
        int k = 0;
        while (true)
        {
            int i = s.IndexOf('<', k);
            if (i < 0 || i + 1 == s.Length) return (c, s.Length);
            if (string.CompareOrdinal(s, i, "<!--", 0, 4) == 0) return (new Context(State.HtmlComment), i + 4);
            i++;
            bool end = false;
            if (s[i] == '/')
            {
                if (i + 1 == s.Length) return (c, s.Length);
                end = true;
                i++;
            }
            var (j, e) = EatTagName(s, i);
            if (j != i) return (new Context(State.Tag, Element: end ? Element.None : e), j);
            k = j;
        }
    }

    private static (int, Element) EatTagName(string s, int i)
    {
        if (i == s.Length || !char.IsAsciiLetter(s[i])) return (i, Element.None);
        int j = i + 1;
        while (j < s.Length && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == ':' || s[j] == '-')) j++;
        var e = s[i..j].ToLowerInvariant() switch
        {
            "script" => Element.Script,
            "style" => Element.Style,
            "textarea" => Element.Textarea,
            "title" => Element.Title,
            _ => Element.None,
        };
        return (j, e);
    }

    private static (int, string?) EatAttrName(string s, int i)
    {
        for (int j = i; j < s.Length; j++)
        {
            switch (s[j])
            {
                case ' ' or '\t' or '\n' or '\f' or '\r' or '=' or '>':
                    return (j, null);
                case '\'' or '"' or '<':
                    return (-1, $"{GoQuote.Quote(s[j].ToString())} in attribute name: {GoQuote.Quote(s.Length > 32 ? s[..32] : s)}");
            }
        }
        return (s.Length, null);
    }

    private static (Context, int) TTag(Context c, string s)
    {
        int i = EatWhiteSpace(s, 0);
        if (i == s.Length) return (c, s.Length);
        if (s[i] == '>') return (new Context(ElementContentType(c.Element), Element: c.Element), i + 1);
        var (j, err) = EatAttrName(s, i);
        if (err != null) return (Context.Fail(err), s.Length);
        if (i == j) return (Context.Fail($"expected space, attr name, or end of tag, but got {GoQuote.Quote(s[i..])}"), s.Length);
        string name = s[i..j].ToLowerInvariant();
        var attr = AttrKind.None;
        if (c.Element == Element.Script && name == "type") attr = AttrKind.ScriptType;
        else
        {
            attr = AttrType(name) switch
            {
                ContentType.Url => AttrKind.Url,
                ContentType.Css => AttrKind.Style,
                ContentType.Js => AttrKind.Script,
                ContentType.Srcset => AttrKind.Srcset,
                _ => AttrKind.None,
            };
        }
        return (new Context(j == s.Length ? State.AttrName : State.AfterName, Element: c.Element, Attr: attr), j);
    }

    private static (Context, int) TAttrName(Context c, string s)
    {
        var (i, err) = EatAttrName(s, 0);
        if (err != null) return (Context.Fail(err), s.Length);
        if (i != s.Length) c = c with { State = State.AfterName };
        return (c, i);
    }

    private static (Context, int) TAfterName(Context c, string s)
    {
        int i = EatWhiteSpace(s, 0);
        if (i == s.Length) return (c, s.Length);
        if (s[i] != '=') return (c with { State = State.Tag }, i);
        return (c with { State = State.BeforeValue }, i + 1);
    }

    private static (Context, int) TBeforeValue(Context c, string s)
    {
        int i = EatWhiteSpace(s, 0);
        if (i == s.Length) return (c, s.Length);
        var delim = Delim.SpaceOrTagEnd;
        if (s[i] == '\'') { delim = Delim.SingleQuote; i++; }
        else if (s[i] == '"') { delim = Delim.DoubleQuote; i++; }
        return (c with { State = AttrStartState(c.Attr), Delim = delim }, i);
    }

    private static (Context, int) TEndMarker(Context c, string s, string marker, State next)
    {
        int i = s.IndexOf(marker, StringComparison.Ordinal);
        if (i < 0) return (c, s.Length);
        return (c with { State = next }, i + marker.Length);
    }

    private static (Context, int) TLineComment(Context c, string s, string ends, State next)
    {
        int i = s.AsSpan().IndexOfAny(ends);
        if (i < 0) return (c, s.Length);
        return (c with { State = next }, i);
    }

    private static (Context, int) TUrl(Context c, string s)
    {
        if (s.AsSpan().IndexOfAny("#?") >= 0) c = c with { UrlPart = UrlPart.QueryOrFrag };
        else if (s.Length != EatWhiteSpace(s, 0) && c.UrlPart == UrlPart.None) c = c with { UrlPart = UrlPart.PreQuery };
        return (c, s.Length);
    }

    private static (Context, int) TJs(Context c, string s)
    {
        int i = s.AsSpan().IndexOfAny("\"`'/");
        if (i < 0) return (c with { JsCtx = NextJsCtx(s, c.JsCtx) }, s.Length);
        c = c with { JsCtx = NextJsCtx(s[..i], c.JsCtx) };
        switch (s[i])
        {
            case '"': c = c with { State = State.JsDqStr, JsCtx = JsCtx.Regexp }; break;
            case '\'': c = c with { State = State.JsSqStr, JsCtx = JsCtx.Regexp }; break;
            case '`': c = c with { State = State.JsBqStr, JsCtx = JsCtx.Regexp }; break;
            default:
                if (i + 1 < s.Length && s[i + 1] == '/') { c = c with { State = State.JsLineComment }; i++; }
                else if (i + 1 < s.Length && s[i + 1] == '*') { c = c with { State = State.JsBlockComment }; i++; }
                else if (c.JsCtx == JsCtx.Regexp) c = c with { State = State.JsRegexp };
                else if (c.JsCtx == JsCtx.DivOp) c = c with { JsCtx = JsCtx.Regexp };
                else return (Context.Fail($"'/' could start a division or regexp: {GoQuote.Quote(s[i..])}"), s.Length);
                break;
        }
        return (c, i + 1);
    }

    private static (Context, int) TJsDelimited(Context c, string s)
    {
        string specials = c.State switch { State.JsSqStr => "\\'", State.JsBqStr => "`\\", State.JsRegexp => "\\/[]", _ => "\\\"" };
        int k = 0;
        bool inCharset = false;
        while (true)
        {
            int i = s.AsSpan(k).IndexOfAny(specials);
            if (i < 0) break;
            i += k;
            switch (s[i])
            {
                case '\\':
                    i++;
                    if (i == s.Length) return (Context.Fail($"unfinished escape sequence in JS string: {GoQuote.Quote(s)}"), s.Length);
                    break;
                case '[' when c.State == State.JsRegexp:
                    inCharset = true;
                    break;
                case ']' when c.State == State.JsRegexp:
                    inCharset = false;
                    break;
                default:
                    if (!inCharset) return (c with { State = State.Js, JsCtx = JsCtx.DivOp }, i + 1);
                    break;
            }
            k = i + 1;
        }
        if (inCharset) return (Context.Fail($"unfinished JS regexp charset: {GoQuote.Quote(s)}"), s.Length);
        return (c, s.Length);
    }

    private static bool IsJsIdentPart(char c) => c == '$' || c == '_' || char.IsAsciiLetterOrDigit(c);

    private static JsCtx NextJsCtx(string s, JsCtx preceding)
    {
        s = s.TrimEnd('\t', '\n', '\f', '\r', ' ', '\u2028', '\u2029');
        if (s.Length == 0) return preceding;
        char c = s[^1];
        int n = s.Length;
        switch (c)
        {
            case '+' or '-':
            {
                int start = n - 1;
                while (start > 0 && s[start - 1] == c) start--;
                return ((n - start) & 1) == 1 ? JsCtx.Regexp : JsCtx.DivOp;
            }
            case '.':
                return n != 1 && char.IsAsciiDigit(s[n - 2]) ? JsCtx.DivOp : JsCtx.Regexp;
            case ',' or '<' or '>' or '=' or '*' or '%' or '&' or '|' or '^' or '?' or '!' or '~' or '(' or '[' or ':' or ';' or '{' or '}':
                return JsCtx.Regexp;
            default:
            {
                int j = n;
                while (j > 0 && IsJsIdentPart(s[j - 1])) j--;
                return RegexpPrecederKeywords.Contains(s[j..]) ? JsCtx.Regexp : JsCtx.DivOp;
            }
        }
    }

    private static (Context, int) TCss(Context c, string s)
    {
        int k = 0;
        while (true)
        {
            int i = s.AsSpan(k).IndexOfAny("(\"'/");
            if (i < 0) return (c, s.Length);
            i += k;
            switch (s[i])
            {
                case '(':
                {
                    string p = s[..i].TrimEnd('\t', '\n', '\f', '\r', ' ');
                    if (p.EndsWith("url", StringComparison.OrdinalIgnoreCase) && (p.Length == 3 || !IsCssNmchar(p[^4])))
                    {
                        int j = s.Length - s[(i + 1)..].TrimStart('\t', '\n', '\f', '\r', ' ').Length;
                        if (j != s.Length && s[j] == '"') return (c with { State = State.CssDqUrl }, j + 1);
                        if (j != s.Length && s[j] == '\'') return (c with { State = State.CssSqUrl }, j + 1);
                        return (c with { State = State.CssUrl }, j);
                    }
                    break;
                }
                case '/':
                    if (i + 1 < s.Length)
                    {
                        if (s[i + 1] == '/') return (c with { State = State.CssLineComment }, i + 2);
                        if (s[i + 1] == '*') return (c with { State = State.CssBlockComment }, i + 2);
                    }
                    break;
                case '"':
                    return (c with { State = State.CssDqStr }, i + 1);
                case '\'':
                    return (c with { State = State.CssSqStr }, i + 1);
            }
            k = i + 1;
        }
    }

    private static bool IsCssNmchar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' || c >= 0x80;

    private static (Context, int) TCssStr(Context c, string s)
    {
        string endAndEsc = c.State switch
        {
            State.CssDqStr or State.CssDqUrl => "\\\"",
            State.CssSqStr or State.CssSqUrl => "\\'",
            _ => "\\\t\n\f\r )",
        };
        int k = 0;
        while (true)
        {
            int i = s.AsSpan(k).IndexOfAny(endAndEsc);
            if (i < 0)
            {
                var (c2, n) = TUrl(c, s[k..]);
                return (c2, k + n);
            }
            i += k;
            if (s[i] == '\\')
            {
                i++;
                if (i == s.Length) return (Context.Fail($"unfinished escape sequence in CSS string: {GoQuote.Quote(s)}"), s.Length);
            }
            else
            {
                return (c with { State = State.Css }, i + 1);
            }
            (c, _) = TUrl(c, s[..(i + 1)]);
            k = i + 1;
        }
    }
}
