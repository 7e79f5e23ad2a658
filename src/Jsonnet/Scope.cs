namespace Jsonnet;

/// <summary>Compile-time view of one runtime <see cref="Env"/>, used to resolve variable slots.</summary>
internal sealed class Scope
{
    public readonly Scope? Parent;
    public readonly string[] Names;
    public readonly bool InObject;

    public Scope(Scope? parent, string[] names, bool inObject)
    {
        Parent = parent;
        Names = names;
        InObject = inObject;
    }

    public Scope Child(string[] names) => new(this, names, InObject);

    public Scope ObjectChild(string[] names) => new(this, names, true);

    public bool IsRoot => Parent == null;

    public bool TryResolve(string name, out int depth, out int index) => TryResolve(name, out depth, out index, out _);

    public bool TryResolve(string name, out int depth, out int index, out bool inRoot)
    {
        inRoot = false;
        depth = 0;
        for (var s = this; s != null; s = s.Parent, depth++)
        {
            int i = Array.IndexOf(s.Names, name);
            if (i >= 0)
            {
                index = i;
                inRoot = s.Parent == null;
                return true;
            }
        }
        index = -1;
        return false;
    }
}
