/**
 * The dev IdP's two pages, plain HTML with no script: the sign-in form and an error page (used for oidc-provider's
 * errors too). Their one inline style is allowed by its hash, so the CSP stays `default-src 'none'`.
 */
import { escapeHtml } from '../common/http/escape-html.js';
import { cspHashSource } from '../common/security/helmet.js';

const STYLE =
  'body{font:16px system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}' +
  'input,button{font:inherit;padding:.4rem .6rem}input{width:100%;box-sizing:border-box;margin:.3rem 0 1rem}' +
  '.note{color:#555}.error{color:#a00}form.cancel{margin-top:1rem}';

/** Set on the dev IdP's responses by route (helmet), instead of our API's `default-src 'none'` alone. */
export const DEV_IDP_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  // oidc-provider adds the hash of each inline script it writes (the auto-submitted form of form_post, and of the
  // logout when someone signs in over another account's session) to an existing script-src only.
  scriptSrc: ["'self'"],
  styleSrc: [cspHashSource(STYLE)],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>Dev IdP</h1>
${body}
</body>
</html>
`;
}

export function loginPage(options: {
  action: string;
  cancelAction: string;
  clientId: string;
  username?: string;
  problem?: string;
}): string {
  return layout(
    'Dev IdP — sign in',
    `<p class="note">Development identity provider — any username signs in. There is no password.</p>
<p>Signing in to <strong>${escapeHtml(options.clientId)}</strong>.</p>
${options.problem ? `<p class="error" role="alert">${escapeHtml(options.problem)}</p>` : ''}
<form method="post" action="${escapeHtml(options.action)}">
<label for="username">Username</label>
<input id="username" name="username" value="${escapeHtml(options.username ?? '')}" autocomplete="off" autofocus required maxlength="60">
<button type="submit">Sign in</button>
</form>
<form class="cancel" method="post" action="${escapeHtml(options.cancelAction)}"><button type="submit">Cancel</button></form>`,
  );
}

export function errorPage(error: string, description?: string): string {
  return layout(
    'Dev IdP — error',
    `<p class="error" role="alert"><strong>${escapeHtml(error)}</strong>${description ? `: ${escapeHtml(description)}` : ''}</p>
<p class="note">Start the sign-in again from the app.</p>`,
  );
}
