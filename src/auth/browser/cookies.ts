/**
 * The one cookie this API sets: the short-lived binding of an OAuth state to a browser. Two small functions rather
 * than a cookie plugin: nothing else here reads or writes cookies (our own tokens travel in headers and bodies).
 */

export interface CookieSpec {
  name: string;
  value: string;
  path: string;
  maxAgeSeconds: number;
  secure: boolean;
  /** `none` for providers that come back with a cross-site POST (form_post); a `Lax` cookie would not be sent. */
  sameSite: 'lax' | 'none';
}

export function serializeCookie(c: CookieSpec): string {
  const parts = [
    `${c.name}=${c.value}`,
    `Path=${c.path}`,
    `Max-Age=${c.maxAgeSeconds}`,
    'HttpOnly',
    `SameSite=${c.sameSite === 'none' ? 'None' : 'Lax'}`,
  ];
  // SameSite=None is only accepted with Secure; browsers treat http://localhost as secure for that purpose.
  if (c.secure || c.sameSite === 'none') parts.push('Secure');
  return parts.join('; ');
}

/** The `Cookie` header as name → value; later duplicates do not override earlier ones (RFC 6265 5.4 order). */
export function readCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (!(name in cookies)) cookies[name] = pair.slice(eq + 1).trim();
  }
  return cookies;
}
