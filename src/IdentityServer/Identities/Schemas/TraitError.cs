using IdentityServer.Text;

namespace IdentityServer.Identities.Schemas;

/// <summary>
/// One validation failure of an identity's traits.
/// </summary>
/// <param name="Pointer">JSON pointer into the identity document, e.g. <c>#/traits/email</c>.</param>
/// <param name="Property">The form field name in dot notation, e.g. <c>traits.email</c> (empty for the whole document).</param>
/// <param name="Message">The UI message with its catalog id.</param>
public sealed record TraitError(string Pointer, string Property, UiText Message)
{
    public static TraitError At(string pointer, UiText message) => new(pointer, JsonPointers.ToDotNotation(pointer), message);
}
