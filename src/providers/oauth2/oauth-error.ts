/**
 * The `error` a provider sent (RFC 6749 §4.1.2.1 on the callback, §5.2 from the token endpoint), fit to quote in
 * our own messages: a registered error name is lowercase letters and underscores. Anything else, from a provider
 * that answers garbage or something longer, becomes `invalid`, so a provider's text never reaches our answers
 * or logs unchecked.
 */
export function oauthErrorName(error: string): string {
  return /^[a-z_]{1,64}$/.test(error) ? error : 'invalid';
}
