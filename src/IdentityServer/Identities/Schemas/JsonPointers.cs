using Newtonsoft.Json.Linq;

namespace IdentityServer.Identities.Schemas;

/// <summary>Helpers for the <c>#/a/b</c> pointers used in validation messages.</summary>
public static class JsonPointers
{
    public static string Escape(string segment) => segment.Replace("~", "~0").Replace("/", "~1");

    public static string Unescape(string segment) => segment.Replace("~1", "/").Replace("~0", "~");

    public static string Append(string pointer, string segment) =>
        (pointer == "#" ? "#/" : pointer + "/") + Escape(segment);

    /// <summary><c>#/traits/name/first</c> becomes <c>traits.name.first</c>; the root becomes an empty string.</summary>
    public static string ToDotNotation(string pointer)
    {
        var path = pointer.StartsWith('#') ? pointer[1..] : pointer;
        path = path.TrimStart('/');
        if (path.Length == 0)
        {
            return "";
        }
        return string.Join('.', path.Split('/').Select(Unescape));
    }

    /// <summary>The pointer of a token inside the document it belongs to.</summary>
    internal static string Of(JToken token)
    {
        if (token is JProperty property)
        {
            token = property.Value;
        }
        var segments = new List<string>();
        var current = token;
        while (current.Parent is { } parent)
        {
            switch (parent)
            {
                case JProperty p:
                    segments.Add(Escape(p.Name));
                    current = p.Parent ?? p;
                    if (p.Parent is null)
                    {
                        return Build(segments);
                    }
                    break;
                case JArray array:
                    segments.Add(array.IndexOf(current).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    current = array;
                    break;
                default:
                    current = parent;
                    break;
            }
        }
        return Build(segments);
    }

    private static string Build(List<string> reversedSegments)
    {
        reversedSegments.Reverse();
        return reversedSegments.Count == 0 ? "#" : "#/" + string.Join('/', reversedSegments);
    }
}
