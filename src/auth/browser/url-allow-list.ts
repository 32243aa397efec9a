/**
 * Where a sign-in may send a browser or an authorization code: exact allow-lists, because prefix, suffix and
 * "same host" rules are how open redirects and code theft happen (`https://app.example.com.evil.test`,
 * `https://app.example.com@evil.test`, `/callback/../evil`). RFC 6749 3.1.2.2, OAuth 2.0 Security BCP (RFC 9700) 4.1.3.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** A native app's redirect (RFC 8252): a reverse-domain private-use scheme, or http on a loopback address. */
export function isNativeRedirectUri(uri: string): boolean {
  if (!URL.canParse(uri)) return false;
  const url = new URL(uri);
  return isPrivateUseScheme(url) || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/**
 * The redirect URI a client sent, if it is on the provider's list: the very same string, except that a
 * loopback entry matches any port (RFC 8252 7.3: the port is picked by the OS when the app starts listening).
 * `native` says a PKCE verifier is required: such a code can be intercepted by another app on the device.
 */
export function matchRedirectUri(allowList: readonly string[], uri: string): { native: boolean } | undefined {
  if (allowList.includes(uri)) return { native: isNativeRedirectUri(uri) };
  const loopback = parseLoopback(uri);
  if (!loopback) return undefined;
  return allowList.some((entry) => {
    const allowed = parseLoopback(entry);
    return allowed !== undefined && allowed.hostname === loopback.hostname && allowed.rest === loopback.rest;
  })
    ? { native: true }
    : undefined;
}

/**
 * `return_to` of the redirect flow: one of the configured frontend URLs (stored in `URL.href` form). The input is
 * normalised the same way, so `https://APP.example.com/cb` is that URL, while `https://app.example.com@evil.test/`
 * (host evil.test) and `https://app.example.com/cb/../admin` (path /admin) are not. A fragment is refused: ours
 * carries the login code.
 */
export function matchReturnTo(allowList: readonly string[], input: string): string | undefined {
  if (!URL.canParse(input)) return undefined;
  const url = new URL(input);
  if (url.hash !== '' || input.includes('#') || url.username !== '' || url.password !== '') return undefined;
  return allowList.includes(url.href) ? url.href : undefined;
}

/** `http://127.0.0.1:51234/cb?x` → host and everything after the port; undefined unless a plain loopback http URL. */
function parseLoopback(uri: string): { hostname: string; rest: string } | undefined {
  if (!URL.canParse(uri)) return undefined;
  const url = new URL(uri);
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.username !== '' || url.password !== '' || url.hash !== '')
    return undefined;
  // Only the port may differ: a URL the parser had to rewrite (dot segments, case, escapes) is not the one registered.
  const rest = `${url.pathname}${url.search}`;
  const withoutPort = `http://${url.hostname}${rest}`;
  const withPort = url.port === '' ? withoutPort : `http://${url.hostname}:${url.port}${rest}`;
  return uri === withPort || uri === withoutPort ? { hostname: url.hostname, rest } : undefined;
}

function isPrivateUseScheme(url: URL): boolean {
  const scheme = url.protocol.slice(0, -1);
  return scheme.includes('.') && scheme !== 'http' && scheme !== 'https';
}
