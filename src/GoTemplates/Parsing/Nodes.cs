using System.Text;

namespace GoTemplates.Parsing;

/// <summary>The source a node came from, used to place error messages.</summary>
internal sealed class TemplateSource(string name, string text)
{
    public string Name { get; } = name;
    public string Text { get; } = text;

    public (int Line, int Column) Locate(int pos)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < pos && i < Text.Length; i++)
        {
            if (Text[i] == '\n') { line++; lineStart = i + 1; }
        }
        // Go counts the column in bytes of UTF-8.
        int col = System.Text.Encoding.UTF8.GetByteCount(Text.AsSpan(lineStart, Math.Max(0, Math.Min(pos, Text.Length) - lineStart)));
        return (line, col);
    }
}

internal abstract class Node
{
    public int Pos { get; init; }
    public TemplateSource Source { get; init; } = null!;
    public abstract void Write(StringBuilder sb);
    public override string ToString() { var sb = new StringBuilder(); Write(sb); return sb.ToString(); }
}

internal sealed class ListNode : Node
{
    public List<Node> Nodes { get; } = [];
    public override void Write(StringBuilder sb) { foreach (var n in Nodes) n.Write(sb); }
}

internal sealed class TextNode : Node
{
    public required string Text { get; set; }
    public override void Write(StringBuilder sb) => sb.Append(Text);
}

internal sealed class CommentNode : Node
{
    public required string Text { get; init; }
    public override void Write(StringBuilder sb) => sb.Append("{{").Append(Text).Append("}}");
}

internal sealed class PipeNode : Node
{
    public bool IsAssign { get; set; }
    public List<VariableNode> Decl { get; } = [];
    public List<CommandNode> Commands { get; } = [];

    public override void Write(StringBuilder sb)
    {
        if (Decl.Count > 0)
        {
            for (int i = 0; i < Decl.Count; i++)
            {
                if (i > 0) sb.Append(", ");
                Decl[i].Write(sb);
            }
            sb.Append(IsAssign ? " = " : " := ");
        }
        for (int i = 0; i < Commands.Count; i++)
        {
            if (i > 0) sb.Append(" | ");
            Commands[i].Write(sb);
        }
    }
}

internal sealed class ActionNode : Node
{
    public required PipeNode Pipe { get; init; }
    public override void Write(StringBuilder sb) { sb.Append("{{"); Pipe.Write(sb); sb.Append("}}"); }
}

internal sealed class CommandNode : Node
{
    public List<Node> Args { get; } = [];

    public override void Write(StringBuilder sb)
    {
        for (int i = 0; i < Args.Count; i++)
        {
            if (i > 0) sb.Append(' ');
            if (Args[i] is PipeNode p) { sb.Append('('); p.Write(sb); sb.Append(')'); }
            else Args[i].Write(sb);
        }
    }
}

internal sealed class IdentifierNode : Node
{
    public required string Name { get; init; }
    /// <summary>The function bound when the template was parsed.</summary>
    public TemplateFunction? Function { get; set; }
    public override void Write(StringBuilder sb) => sb.Append(Name);
}

/// <summary>A variable with optional field chain, such as <c>$x.Field</c>.</summary>
internal sealed class VariableNode : Node
{
    public required string[] Ident { get; init; }
    public override void Write(StringBuilder sb) => sb.Append(string.Join('.', Ident));
}

internal sealed class DotNode : Node
{
    public override void Write(StringBuilder sb) => sb.Append('.');
}

internal sealed class NilNode : Node
{
    public override void Write(StringBuilder sb) => sb.Append("nil");
}

internal sealed class FieldNode : Node
{
    public required string[] Ident { get; init; }
    public override void Write(StringBuilder sb) { foreach (var id in Ident) sb.Append('.').Append(id); }
}

/// <summary>A term followed by fields, such as <c>(pipe).Field</c>.</summary>
internal sealed class ChainNode : Node
{
    public required Node Target { get; init; }
    public List<string> Fields { get; } = [];

    public override void Write(StringBuilder sb)
    {
        if (Target is PipeNode p) { sb.Append('('); p.Write(sb); sb.Append(')'); }
        else Target.Write(sb);
        foreach (var f in Fields) sb.Append('.').Append(f);
    }
}

internal sealed class BoolNode : Node
{
    public bool Value { get; init; }
    public override void Write(StringBuilder sb) => sb.Append(Value ? "true" : "false");
}

internal sealed class NumberNode : Node
{
    public required string Text { get; init; }
    public bool IsInt { get; init; }
    public bool IsUint { get; init; }
    public bool IsFloat { get; init; }
    public long Int64 { get; init; }
    public ulong Uint64 { get; init; }
    public double Float64 { get; init; }
    /// <summary>True for literals such as 1.5 or 1e3 that Go types as float64 when no type is known.</summary>
    public bool LooksFloat { get; init; }
    public override void Write(StringBuilder sb) => sb.Append(Text);
}

internal sealed class StringNode : Node
{
    public required string Quoted { get; init; }
    public required string Text { get; init; }
    public override void Write(StringBuilder sb) => sb.Append(Quoted);
}

internal sealed class EndNode : Node
{
    public override void Write(StringBuilder sb) => sb.Append("{{end}}");
}

internal sealed class ElseNode : Node
{
    public override void Write(StringBuilder sb) => sb.Append("{{else}}");
}

internal sealed class BreakNode : Node
{
    public override void Write(StringBuilder sb) => sb.Append("{{break}}");
}

internal sealed class ContinueNode : Node
{
    public override void Write(StringBuilder sb) => sb.Append("{{continue}}");
}

internal enum BranchKind { If, Range, With }

/// <summary>The shared shape of if, range and with.</summary>
internal sealed class BranchNode : Node
{
    public required BranchKind Kind { get; init; }
    public required PipeNode Pipe { get; init; }
    public required ListNode List { get; set; }
    public ListNode? ElseList { get; set; }

    public override void Write(StringBuilder sb)
    {
        sb.Append("{{").Append(Kind switch { BranchKind.If => "if", BranchKind.Range => "range", _ => "with" }).Append(' ');
        Pipe.Write(sb);
        sb.Append("}}");
        List.Write(sb);
        if (ElseList != null) { sb.Append("{{else}}"); ElseList.Write(sb); }
        sb.Append("{{end}}");
    }
}

internal sealed class TemplateCallNode : Node
{
    public required string Name { get; set; }
    public PipeNode? Pipe { get; init; }

    public override void Write(StringBuilder sb)
    {
        sb.Append("{{template \"").Append(Name).Append('"');
        if (Pipe != null) { sb.Append(' '); Pipe.Write(sb); }
        sb.Append("}}");
    }
}
