namespace Jsonnet;

internal static partial class StdLib
{
    private static void RegisterManifest()
    {
        Add("manifestJsonEx", new[] { "value", "indent", "newline", "key_val_sep" }, (ctx, a, site) =>
            S(Manifester.ManifestJsonEx(ctx, a[0].Force(), Str(a[1], "manifestJsonEx", "indent", site), Str(a[2], "manifestJsonEx", "newline", site), Str(a[3], "manifestJsonEx", "key_val_sep", site))),
            S("\n"), S(": "));
        Add("manifestJson", new[] { "value" }, (ctx, a, site) => S(Manifester.ManifestJsonEx(ctx, a[0].Force(), "    ", "\n", ": ")));
        Add("manifestJsonMinified", new[] { "value" }, (ctx, a, site) => S(Manifester.ManifestJsonEx(ctx, a[0].Force(), "", "", ":")));
    }
}
