import { httpsUrlProblem } from './custom-provider-config.js';

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
