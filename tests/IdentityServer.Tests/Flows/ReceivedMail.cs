using System.Text.RegularExpressions;

namespace IdentityServer.Tests.Flows;

/// <summary>A message as the recipient reads it: the code and the links are taken from its text.</summary>
public sealed partial record ReceivedMail(string To, string Subject, string Text)
{
    /// <summary>The six-digit code in the text (digits inside links do not count).</summary>
    public string Code
    {
        get
        {
            var withoutLinks = UrlPattern().Replace(Text, " ");
            var match = CodePattern().Match(withoutLinks);
            Assert.True(match.Success, $"no code in the message to {To}:\n{Text}");
            return match.Value;
        }
    }

    public bool HasCode => CodePattern().IsMatch(UrlPattern().Replace(Text, " "));

    /// <summary>The first link in the text whose path is <paramref name="path"/>, made relative to the server.</summary>
    public string LinkTo(string path)
    {
        var link = UrlPattern().Matches(Text).Select(m => System.Net.WebUtility.HtmlDecode(m.Value))
            .Select(u => new Uri(u)).FirstOrDefault(u => u.AbsolutePath == path);
        Assert.True(link is not null, $"no link to {path} in the message to {To}:\n{Text}");
        return link!.PathAndQuery;
    }

    public bool HasLink => UrlPattern().IsMatch(Text);

    [GeneratedRegex(@"https?://[^\s""'<>]+")]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"(?<![\w-])\d{6}(?![\w-])")]
    private static partial Regex CodePattern();
}
