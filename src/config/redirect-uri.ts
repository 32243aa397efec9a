/**
 * Why a configured redirect URI cannot be on an allow-list, or undefined: https, http on a loopback host, or a
 * native app's reverse-domain private-use scheme like `com.example.app:/oauth2redirect` (RFC 8252 7.1). No fragment
 * (RFC 6749 3.1.2).
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (!URL.canParse(uri)) return `has "${uri}", which is not a URL`;
  const url = new URL(uri);
  if (url.hash !== '' || uri.includes('#')) return `has "${uri}": a redirect URI has no fragment`;
  const privateUse = url.protocol.slice(0, -1).includes('.');
  if (!privateUse && httpsUrlProblem(uri)) return `has "${uri}": each must be https, http on loopback, or a reverse-domain scheme`;
  return undefined;
}

/**
 * Why `value` is not an https URL, or undefined. Plain http is for loopback hosts only (tests and development run
 * an OP locally), and only where `httpAllowed` (in production, a provider PROVIDER_INSECURE_HTTP_ALLOWED names).
 */
export function httpsUrlProblem(value: string, httpAllowed = true): string | undefined {
  const url = URL.parse(value);
  if (!url) return `must be an https URL, got "${value}"`;
  if (url.protocol === 'https:' || (httpAllowed && url.protocol === 'http:' && isLoopback(url.hostname))) return undefined;
  return httpAllowed
    ? `must be an https URL (http only for loopback hosts), got "${value}"`
    : `must be an https URL in production (http on a loopback host only for providers PROVIDER_INSECURE_HTTP_ALLOWED names), got "${value}"`;
}

export const isLoopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
