/**
 * `CORS_ORIGINS`: the browser origins allowed to call us with credentials (`Access-Control-Allow-Credentials`).
 * Each entry is compared to the `Origin` header as a whole string, so it must be an origin exactly as browsers
 * send it; `*` and `null` are refused by name (`null` is what sandboxed iframes and `file:` pages send, which
 * anyone can make), and in production so is plain http off this machine: a network attacker who can write into
 * such a page would read our answers with the user's credentials.
 */
import { isLoopback } from './redirect-uri.js';
import { isHttpUrl, list } from './settings/setting.js';

/** Why `value` is not an http(s) origin exactly as browsers send it, or undefined (declared providers' origins too). */
export const notAnOrigin = (value: string) =>
  isHttpUrl(value) && new URL(value).origin === value
    ? undefined
    : `has "${value}": each must be an origin, scheme://host[:port] without path or trailing slash`;

export const corsOrigins = list([], (value) =>
  value === '*' || value.toLowerCase() === 'null'
    ? `has "${value}": list each origin by name (credentials are sent, so no wildcard and no "null")`
    : notAnOrigin(value),
);

/** Production's rule, applied by app-config.ts to origins `corsOrigins` accepted. */
export function productionOriginProblem(origin: string): string | undefined {
  const url = new URL(origin);
  const refused = url.protocol === 'http:' && !isLoopback(url.hostname);
  return refused ? `has "${origin}": must be https in production (http only for loopback hosts)` : undefined;
}
