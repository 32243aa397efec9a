/**
 * The authorization server's pages: sign in (our social providers), consent, and errors. Server-rendered HTML with
 * no script; the one inline style is allowed by its hash, so the CSP stays `default-src 'none'` (a provider's
 * sign-in is a link, not a form).
 */
import type { ServerResponse } from 'node:http';
import { escapeHtml } from '../common/http/escape-html.js';
import { cspHashSource } from '../common/security/helmet.js';

const STYLE = [
  ':root{color-scheme:light dark;--fg:#1d1d1f;--muted:#5f6368;--bg:#f5f5f7;--card:#fff;--line:#d2d2d7;--accent:#0a58ca}',
  '@media (prefers-color-scheme:dark){:root{--fg:#f5f5f7;--muted:#a1a1a6;--bg:#1d1d1f;--card:#2c2c2e;--line:#48484a;--accent:#6ea8fe}}',
  'body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}',
  'main{max-width:26rem;margin:4rem auto;padding:2rem;background:var(--card);border:1px solid var(--line);border-radius:12px}',
  'h1{font-size:1.35rem;margin:0 0 1rem}p{margin:.5rem 0}.muted{color:var(--muted);font-size:.9rem}',
  'ul{padding-left:1.2rem}.providers{list-style:none;padding:0}.providers li{margin:.5rem 0}',
  'a.button,button{display:block;width:100%;box-sizing:border-box;padding:.7rem 1rem;border-radius:8px;border:1px solid var(--line);',
  'background:var(--card);color:var(--fg);font:inherit;text-align:center;text-decoration:none;cursor:pointer}',
  'button.primary{background:var(--accent);border-color:var(--accent);color:#fff}.actions{display:flex;gap:.75rem;margin-top:1.5rem}',
  '.actions form{flex:1}a:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}.error{color:#c5221f}',
].join('');

export const OAUTH_PAGES_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  // oidc-provider adds the hash of the auto-submitted form it writes for response_mode=form_post to script-src.
  scriptSrc: ["'self'"],
  styleSrc: [cspHashSource(STYLE)],
  imgSrc: ["'self'"],
  // No `form-action`: Chromium applies it to the redirects after a submission too, and Allow ends at the
  // application's redirect URI (another origin). Our forms post to absolute paths of ours, written by us.
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * Who an application is, as far as we know (ADR 0039): its name is what it told us, so a third-party one is shown
 * with where the browser goes next, the redirect URI's host (or a native app's scheme), which it cannot choose freely.
 */
export interface ClientShown {
  name: string;
  firstParty: boolean;
  /** The redirect URI's host, or `scheme:` for a native app's private-use scheme. */
  destination?: string;
}

function unverifiedNote(client: ClientShown): string {
  if (client.firstParty) return '';
  const where = client.destination ? ` You will be sent to <strong class="destination">${escapeHtml(client.destination)}</strong>.` : '';
  return `<p class="muted unverified">A third-party application; its name is its own, not checked by us.${where}</p>\n`;
}

/** What `destination` shows for a redirect URI. */
export function destinationOf(redirectUri: unknown): string | undefined {
  if (typeof redirectUri !== 'string' || !URL.canParse(redirectUri)) return undefined;
  const url = new URL(redirectUri);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.host : url.protocol;
}

export function loginPage(options: {
  client: ClientShown;
  providers: Array<{ name: string; href: string }>;
  problem?: string;
  abortAction: string;
}): string {
  const buttons = options.providers
    .map((p) => `<li><a class="button" href="${escapeHtml(p.href)}">Continue with ${escapeHtml(p.name)}</a></li>`)
    .join('\n');
  return layout(
    'Sign in',
    `<h1>Sign in to continue to ${escapeHtml(options.client.name)}</h1>
${unverifiedNote(options.client)}${options.problem ? `<p class="error" role="alert">${escapeHtml(options.problem)}</p>` : ''}
${options.providers.length > 0 ? `<ul class="providers" aria-label="Sign-in providers">\n${buttons}\n</ul>` : '<p class="error" role="alert">No sign-in provider is configured.</p>'}
<form method="post" action="${escapeHtml(options.abortAction)}"><button type="submit">Cancel</button></form>`,
  );
}

export function consentPage(options: {
  client: ClientShown;
  scopes: Array<{ name: string; description: string }>;
  action: string;
  abortAction: string;
  userName: string;
}): string {
  const items = options.scopes
    .map((s) => `<li>${escapeHtml(s.description)} <span class="muted">(${escapeHtml(s.name)})</span></li>`)
    .join('\n');
  return layout(
    `Allow ${options.client.name}?`,
    `<h1><strong>${escapeHtml(options.client.name)}</strong> wants to access your account</h1>
${unverifiedNote(options.client)}<p class="muted">Signed in as ${escapeHtml(options.userName)}</p>
${items ? `<p>It asks to:</p>\n<ul>\n${items}\n</ul>` : ''}
<p class="muted">You can take this back at any time from your account's authorizations.</p>
<div class="actions">
<form method="post" action="${escapeHtml(options.abortAction)}"><button type="submit">Deny</button></form>
<form method="post" action="${escapeHtml(options.action)}"><button type="submit" class="primary">Allow</button></form>
</div>`,
  );
}

/** An OAuth error body (RFC 6749 §5.2's shape) on a raw response, where oidc-provider does not answer: never cached. */
export function sendOAuthError(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

export function errorPage(error: string, description?: string): string {
  return layout(
    'Something went wrong',
    `<h1>This request cannot go on</h1>
<p class="error" role="alert"><strong>${escapeHtml(error)}</strong>${description ? `: ${escapeHtml(description)}` : ''}</p>
<p class="muted">Go back to the application and start again.</p>`,
  );
}
