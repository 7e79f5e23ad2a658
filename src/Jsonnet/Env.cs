namespace Jsonnet;

/// <summary>Variables of one scope; parents hold the enclosing scopes.</summary>
internal sealed class Env
{
    public readonly Env? Parent;
    public readonly Thunk[] Slots;
    public readonly EvalContext Context;
    public readonly JObject? Self;
    public readonly int SuperIndex;
    public readonly JObject? Dollar;

    public Env(EvalContext ctx, Thunk[] slots)
    {
        Context = ctx;
        Slots = slots;
    }

    public Env(Env parent, Thunk[] slots)
    {
        Parent = parent;
        Slots = slots;
        Context = parent.Context;
        Self = parent.Self;
        SuperIndex = parent.SuperIndex;
        Dollar = parent.Dollar;
    }

    public Env(Env parent, Thunk[] slots, JObject self, int superIndex)
    {
        Parent = parent;
        Slots = slots;
        Context = parent.Context;
        Self = self;
        SuperIndex = superIndex;
        Dollar = parent.Dollar ?? self;
    }

    public Thunk Lookup(int depth, int index)
    {
        var e = this;
        for (int i = 0; i < depth; i++) e = e.Parent!;
        return e.Slots[index];
    }
}
