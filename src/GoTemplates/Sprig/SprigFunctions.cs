using System.Collections.Frozen;

namespace GoTemplates.Sprig;

/// <summary>
/// The sprig function library (Masterminds/sprig v3) as Kratos exposes it to email and SMS templates.
/// <para>
/// <see cref="Hermetic"/> is sprig's HermeticTxtFuncMap: every sprig function except those whose result depends on
/// the clock, the environment, randomness of generated strings or the network. Removed by sprig there:
/// date, date_in_zone, date_modify, now, htmlDate, htmlDateInZone, dateInZone, dateModify,
/// randAlphaNum, randAlpha, randAscii, randNumeric, randBytes, uuidv4, env, expandenv, getHostByName.
/// </para>
/// <para>
/// <see cref="WithDates"/> adds back the clock-dependent date functions (now, date, dateInZone, htmlDate,
/// htmlDateInZone, dateModify and their snake_case aliases) for callers that want them.
/// </para>
/// <para>
/// <see cref="Full"/> is sprig's TxtFuncMap, which Kratos uses for its courier templates: the dates plus
/// randAlphaNum, randAlpha, randAscii, randNumeric, randBytes, uuidv4, env, expandenv and getHostByName.
/// </para>
/// <para>
/// Not implemented (calling them is a "function not defined" parse error): the certificate and key generators
/// (genPrivateKey, genCA, genCAWithKey, genSelfSignedCert, genSelfSignedCertWithKey, genSignedCert,
/// genSignedCertWithKey, buildCustomCert), bcrypt, htpasswd, derivePassword and randSeededNumeric.
/// </para>
/// </summary>
public static class SprigFunctions
{
    public static readonly FrozenDictionary<string, TemplateFunction> Hermetic = Build(withDates: false);
    public static readonly FrozenDictionary<string, TemplateFunction> WithDates = Build(withDates: true);
    public static readonly FrozenDictionary<string, TemplateFunction> Full = Build(withDates: true, runtime: true);

    private static FrozenDictionary<string, TemplateFunction> Build(bool withDates, bool runtime = false)
    {
        var map = new Dictionary<string, TemplateFunction>();
        StringFunctions.Register(map);
        MathFunctions.Register(map);
        DefaultFunctions.Register(map);
        ListFunctions.Register(map);
        DictFunctions.Register(map);
        DateFunctions.Register(map, withDates);
        EncodingFunctions.Register(map);
        RegexFunctions.Register(map);
        SemverFunctions.Register(map);
        if (runtime) RuntimeFunctions.Register(map);
        return map.ToFrozenDictionary();
    }
}
