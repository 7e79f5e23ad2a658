namespace Jsonnet;

/// <summary>Code point helpers: Jsonnet strings are sequences of Unicode code points, .NET strings are UTF-16.</summary>
internal static class Strings
{
    public static bool HasSurrogates(string s)
    {
        foreach (char c in s)
        {
            if (char.IsSurrogate(c)) return true;
        }
        return false;
    }

    public static int CodePointLength(string s)
    {
        int n = s.Length;
        foreach (char c in s)
        {
            if (char.IsLowSurrogate(c)) n--;
        }
        return n;
    }

    public static string CodePointAt(string s, int index)
    {
        if (!HasSurrogates(s)) return s[index].ToString();
        return ToCodePoints(s)[index] is var cp ? char.ConvertFromUtf32(cp) : "";
    }

    public static int[] ToCodePoints(string s)
    {
        var result = new List<int>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                result.Add(char.ConvertToUtf32(c, s[i + 1]));
                i++;
            }
            else
            {
                result.Add(c);
            }
        }
        return result.ToArray();
    }

    public static string FromCodePoint(int cp) => cp < 0x10000 ? ((char)cp).ToString() : char.ConvertFromUtf32(cp);

    public static int CompareCodePoints(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            char x = a[i], y = b[i];
            if (x == y) continue;
            // Surrogates encode code points above every BMP character.
            bool sx = char.IsSurrogate(x), sy = char.IsSurrogate(y);
            if (sx != sy) return sx ? 1 : -1;
            return x.CompareTo(y);
        }
        return a.Length.CompareTo(b.Length);
    }

    /// <summary>Substring by code point positions.</summary>
    public static string Substring(string s, int from, int length)
    {
        if (!HasSurrogates(s))
        {
            if (from >= s.Length) return "";
            return s.Substring(from, Math.Min(length, s.Length - from));
        }
        var cps = ToCodePoints(s);
        var sb = new System.Text.StringBuilder();
        for (int i = from; i < cps.Length && i < from + length; i++) sb.Append(FromCodePoint(cps[i]));
        return sb.ToString();
    }
}
