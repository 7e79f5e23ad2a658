using System.Text;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>The "./0-9A-Za-z" base64 of Unix crypt, which packs bytes in groups of three, least significant first.</summary>
internal static class CryptBase64
{
    private const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Encodes the bytes at the given positions, taken three at a time (the last group may be shorter).</summary>
    public static string Encode(byte[] digest, int[][] groups)
    {
        var text = new StringBuilder();
        foreach (var group in groups)
        {
            var value = 0;
            foreach (var index in group)
            {
                value = (value << 8) | digest[index];
            }

            // A group of n bytes yields n + 1 characters.
            for (var i = 0; i <= group.Length; i++)
            {
                text.Append(Alphabet[value & 0x3f]);
                value >>= 6;
            }
        }

        return text.ToString();
    }

    public static bool IsValid(string text) => text.All(c => Alphabet.Contains(c));
}
