namespace GoTemplates.Html;

internal enum State
{
    Text, Tag, AttrName, AfterName, BeforeValue, HtmlComment, RcData, Attr, Url, Srcset,
    Js, JsDqStr, JsSqStr, JsBqStr, JsRegexp, JsBlockComment, JsLineComment,
    Css, CssDqStr, CssSqStr, CssDqUrl, CssSqUrl, CssUrl, CssBlockComment, CssLineComment, Error,
}

internal enum Delim { None, DoubleQuote, SingleQuote, SpaceOrTagEnd }

internal enum UrlPart { None, PreQuery, QueryOrFrag, Unknown }

internal enum JsCtx { Regexp, DivOp, Unknown }

internal enum AttrKind { None, Script, ScriptType, Style, Url, Srcset }

internal enum Element { None, Script, Style, Textarea, Title }

/// <summary>Where in an HTML document the output is, as html/template tracks it.</summary>
internal readonly record struct Context(
    State State = State.Text,
    Delim Delim = Delim.None,
    UrlPart UrlPart = UrlPart.None,
    JsCtx JsCtx = JsCtx.Regexp,
    AttrKind Attr = AttrKind.None,
    Element Element = Element.None,
    string? Error = null,
    bool ErrorHasLocation = false)
{
    public static Context Fail(string message) => new(State.Error, Error: message);

    /// <summary>An error placed at a node, reported as "name:line:col: message" like Go.</summary>
    public static Context Fail(string message, Parsing.Node node)
    {
        var (line, col) = node.Source.Locate(node.Pos);
        return new(State.Error, Error: $"{node.Source.Name}:{line}:{col}: {message}", ErrorHasLocation: true);
    }

    public bool IsComment => State is State.HtmlComment or State.JsBlockComment or State.JsLineComment or State.CssBlockComment or State.CssLineComment;

    public bool SameAs(Context o) =>
        State == o.State && Delim == o.Delim && UrlPart == o.UrlPart && JsCtx == o.JsCtx && Attr == o.Attr && Element == o.Element;

    public string Mangle(string name)
    {
        if (State == State.Text && Delim == Delim.None && UrlPart == UrlPart.None && JsCtx == JsCtx.Regexp && Attr == AttrKind.None && Element == Element.None)
            return name;
        return $"{name}$htmltemplate_{State}_{Delim}_{UrlPart}_{JsCtx}_{Attr}_{Element}";
    }

    public override string ToString() => $"{{{State} {Delim} {UrlPart} {JsCtx} {Attr} {Element}}}";
}
