using System.Text;
using static GoTemplates.ArgType;

namespace GoTemplates.Sprig;

/// <summary>sprig's encoding, path and URL functions.</summary>
internal static class EncodingFunctions
{
    private const GoTemplates.ArgType Str = GoTemplates.ArgType.String;

    public static void Register(Dictionary<string, TemplateFunction> m)
    {
        m["b64enc"] = TemplateFunction.Of(Str, s => Convert.ToBase64String(Encoding.UTF8.GetBytes((string)s!)));
        m["b64dec"] = TemplateFunction.Of(Str, s => Base64Decode((string)s!));
        m["b32enc"] = TemplateFunction.Of(Str, s => Base32.Encode(Encoding.UTF8.GetBytes((string)s!)));
        m["b32dec"] = TemplateFunction.Of(Str, s => Base32.Decode((string)s!));
        m["base"] = m["osBase"] = TemplateFunction.Of(Str, p => GoPath.Base((string)p!));
        m["dir"] = m["osDir"] = TemplateFunction.Of(Str, p => GoPath.Dir((string)p!));
        m["clean"] = m["osClean"] = TemplateFunction.Of(Str, p => GoPath.Clean((string)p!));
        m["ext"] = m["osExt"] = TemplateFunction.Of(Str, p => GoPath.Ext((string)p!));
        m["isAbs"] = m["osIsAbs"] = TemplateFunction.Of(Str, p => ((string)p!).StartsWith('/'));
        m["urlParse"] = TemplateFunction.Of(Str, s => GoUrl.Parse((string)s!));
        m["urlJoin"] = TemplateFunction.Of(Map, d => GoUrl.Join((IDictionary<string, object?>)d!));
        m["encryptAES"] = TemplateFunction.Of(Str, Str, (k, s) => Aes.Encrypt((string)k!, (string)s!));
        m["decryptAES"] = TemplateFunction.Of(Str, Str, (k, s) => Aes.Decrypt((string)k!, (string)s!));
    }

    private static string Base64Decode(string s)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(s));
        }
        catch (FormatException)
        {
            // sprig returns the error text instead of failing.
            return "illegal base64 data at input byte " + FirstBadBase64Byte(s);
        }
    }

    private static int FirstBadBase64Byte(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')) return i;
        }
        return Math.Max(s.Length - (s.Length % 4 == 0 ? 4 : s.Length % 4), 0);
    }

    private static class Base32
    {
        private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

        public static string Encode(byte[] data)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < data.Length; i += 5)
            {
                int n = Math.Min(5, data.Length - i);
                ulong buf = 0;
                for (int j = 0; j < 5; j++) buf = (buf << 8) | (j < n ? data[i + j] : (byte)0);
                int chars = (n * 8 + 4) / 5;
                for (int j = 0; j < 8; j++) sb.Append(j < chars ? Alphabet[(int)((buf >> (35 - j * 5)) & 31)] : '=');
            }
            return sb.ToString();
        }

        public static string Decode(string s)
        {
            var bytes = new List<byte>();
            ulong buf = 0;
            int bits = 0;
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c == '=') break;
                int v = Alphabet.IndexOf(c);
                if (v < 0) return "illegal base32 data at input byte " + i;
                buf = (buf << 5) | (uint)v;
                bits += 5;
                if (bits >= 8)
                {
                    bits -= 8;
                    bytes.Add((byte)(buf >> bits));
                }
            }
            return Encoding.UTF8.GetString(bytes.ToArray());
        }
    }

    private static class Aes
    {
        // sprig uses the password bytes, zero padded to 32, as an AES-256 key; CBC with a random IV in front; base64 output.
        private static byte[] Key(string password)
        {
            var key = new byte[32];
            var p = Encoding.UTF8.GetBytes(password);
            Array.Copy(p, key, Math.Min(p.Length, 32));
            return key;
        }

        public static string Encrypt(string password, string text)
        {
            using var aes = System.Security.Cryptography.Aes.Create();
            aes.Key = Key(password);
            aes.GenerateIV();
            var plain = Encoding.UTF8.GetBytes(text);
            var cipher = aes.EncryptCbc(plain, aes.IV, System.Security.Cryptography.PaddingMode.PKCS7);
            return Convert.ToBase64String([.. aes.IV, .. cipher]);
        }

        public static string Decrypt(string password, string encoded)
        {
            var data = Convert.FromBase64String(encoded);
            if (data.Length < 16) throw new TemplateFunctionException("ciphertext too short");
            using var aes = System.Security.Cryptography.Aes.Create();
            aes.Key = Key(password);
            var plain = aes.DecryptCbc(data.AsSpan(16), data.AsSpan(0, 16), System.Security.Cryptography.PaddingMode.PKCS7);
            return Encoding.UTF8.GetString(plain);
        }
    }
}

/// <summary>Go's path package: slash-separated paths, lexical only.</summary>
internal static class GoPath
{
    public static string Clean(string path)
    {
        if (path.Length == 0) return ".";
        bool rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
                else if (!rooted) parts.Add("..");
                continue;
            }
            parts.Add(part);
        }
        string result = (rooted ? "/" : "") + string.Join('/', parts);
        return result.Length == 0 ? "." : result;
    }

    public static string Base(string path)
    {
        if (path.Length == 0) return ".";
        path = path.TrimEnd('/');
        if (path.Length == 0) return "/";
        int i = path.LastIndexOf('/');
        return i >= 0 ? path[(i + 1)..] : path;
    }

    public static string Dir(string path)
    {
        int i = path.LastIndexOf('/');
        return Clean(path[..(i + 1)]);
    }

    public static string Ext(string path)
    {
        for (int i = path.Length - 1; i >= 0 && path[i] != '/'; i--)
        {
            if (path[i] == '.') return path[i..];
        }
        return "";
    }
}

/// <summary>The parts of a URL as Go's net/url names them, for urlParse and urlJoin.</summary>
internal static class GoUrl
{
    public static Dictionary<string, object?> Parse(string raw)
    {
        string rest = raw, fragment = "", query = "", scheme = "", host = "", userinfo = "", opaque = "", path;
        int hash = rest.IndexOf('#');
        if (hash >= 0) { fragment = Uri.UnescapeDataString(rest[(hash + 1)..]); rest = rest[..hash]; }
        int colon = rest.IndexOf(':');
        if (colon > 0 && char.IsAsciiLetter(rest[0]) && rest[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
        {
            scheme = rest[..colon].ToLowerInvariant();
            rest = rest[(colon + 1)..];
        }
        int q = rest.IndexOf('?');
        if (q >= 0) { query = rest[(q + 1)..]; rest = rest[..q]; }
        if (scheme.Length > 0 && !rest.StartsWith('/'))
        {
            opaque = rest;
            rest = "";
        }
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            rest = rest[2..];
            int slash = rest.IndexOf('/');
            string authority = slash >= 0 ? rest[..slash] : rest;
            rest = slash >= 0 ? rest[slash..] : "";
            int at = authority.LastIndexOf('@');
            if (at >= 0) { userinfo = authority[..at]; authority = authority[(at + 1)..]; }
            host = authority;
        }
        path = Uri.UnescapeDataString(rest);
        string hostname = host;
        if (hostname.StartsWith('['))
        {
            int end = hostname.IndexOf(']');
            hostname = end > 0 ? hostname[1..end] : hostname;
        }
        else
        {
            int portColon = hostname.LastIndexOf(':');
            if (portColon >= 0) hostname = hostname[..portColon];
        }
        return new Dictionary<string, object?>
        {
            ["scheme"] = scheme, ["host"] = host, ["hostname"] = hostname, ["path"] = path, ["query"] = query,
            ["opaque"] = opaque, ["fragment"] = fragment, ["userinfo"] = userinfo,
        };
    }

    public static string Join(IDictionary<string, object?> d)
    {
        string Get(string k) => d.TryGetValue(k, out var v) && v != null ? Sprig.Conv.Str(v) : "";
        var sb = new StringBuilder();
        string scheme = Get("scheme"), opaque = Get("opaque"), host = Get("host"), user = Get("userinfo"), path = Get("path");
        if (scheme.Length > 0) sb.Append(scheme).Append(':');
        if (opaque.Length > 0) sb.Append(opaque);
        else
        {
            if (scheme.Length > 0 || host.Length > 0 || user.Length > 0)
            {
                if (host.Length > 0 || path.Length > 0 || user.Length > 0) sb.Append("//");
                if (user.Length > 0) sb.Append(user).Append('@');
                sb.Append(host);
            }
            if (path.Length > 0 && path[0] != '/' && host.Length > 0) sb.Append('/');
            sb.Append(EscapePath(path));
        }
        string query = Get("query"), fragment = Get("fragment");
        if (query.Length > 0) sb.Append('?').Append(query);
        if (fragment.Length > 0) sb.Append('#').Append(EscapePath(fragment));
        return sb.ToString();
    }

    private static string EscapePath(string s)
    {
        var sb = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-_.~/!$&'()*+,;=:@".Contains(c)) sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }
}
