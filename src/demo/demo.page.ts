/**
 * The demo page, a small account console: static HTML whose one script (`/demo/app.js`, demo.script.ts) does
 * everything. The inline style is allowed by its hash, so the page's CSP allows no inline script at all.
 */
import { cspHashSource } from '../common/security/helmet.js';

const STYLE =
  'body{font:16px system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}' +
  'button{font:inherit;padding:.35rem .7rem;margin:.2rem .4rem .2rem 0}pre{background:#f4f4f4;padding:.6rem;overflow:auto;font-size:13px}' +
  '.error{color:#a00}.status{color:#060}.muted{color:#555}[hidden]{display:none!important}li{margin:.4rem 0}' +
  'section{border-top:1px solid #ddd;margin-top:1.2rem}label{display:inline-block;min-width:7rem}input{font:inherit;margin:.15rem 0}' +
  'table{border-collapse:collapse;font-size:14px}td,th{text-align:left;padding:.25rem .6rem .25rem 0;vertical-align:top}';

export const DEMO_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  connectSrc: ["'self'"],
  styleSrc: [cspHashSource(STYLE)],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/** One profile field: `PATCH /users/me` takes these four. */
const field = (name: string, label: string) =>
  `<p><label for="profile-${name}">${label}</label> <input id="profile-${name}" name="${name}" data-testid="profile-${name}" autocomplete="off"></p>`;

/** Each section shows its own failures: `code: message`, as the API answered. */
const errorLine = (id: string) => `<p class="error" role="alert" data-testid="${id}" hidden></p>`;

export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nest-social-auth account console</title>
<style>${STYLE}</style>
<script src="/demo/app.js" defer></script>
</head>
<body>
<h1>nest-social-auth account console</h1>
<p class="muted">A plain-script frontend of this API: sign in through the server redirect flow, then manage the account with our tokens.</p>
<p class="status" role="status" data-testid="status" hidden></p>
${errorLine('error')}
<section data-testid="signed-out">
<h2>Sign in</h2>
<ul data-testid="providers"><li class="muted">Loading providers…</li></ul>
</section>
<div data-testid="signed-in" hidden>
<section>
<h2>Signed in as <span data-testid="user-name"></span></h2>
<table>
<tr><th>Access token</th><td>id (<code>jti</code>) <code data-testid="token-id"></code>, expires at <span data-testid="expires-at"></span> (<span data-testid="expires-in"></span>)</td></tr>
<tr><th>Refresh token</th><td data-testid="refresh-token"></td></tr>
</table>
<button type="button" data-testid="refresh">Refresh</button>
<button type="button" data-testid="logout">Log out</button>
<button type="button" data-testid="logout-all">Log out everywhere</button>
${errorLine('tokens-error')}
<h3>Access token, decoded (not verified: that is the API's job)</h3>
<pre data-testid="token"></pre>
</section>
<section>
<h2>Profile <small class="muted">PATCH /users/me</small></h2>
<form data-testid="profile">
${field('username', 'Username')}
${field('name', 'Name')}
${field('first_name', 'First name')}
${field('last_name', 'Last name')}
<button type="submit">Save profile</button>
</form>
${errorLine('profile-error')}
<pre data-testid="me"></pre>
</section>
<section>
<h2>Connected accounts <small class="muted">/users/me/social-accounts</small></h2>
<ul data-testid="accounts"></ul>
<p data-testid="connect"></p>
${errorLine('accounts-error')}
</section>
<section>
<h2>Sessions <small class="muted">/auth/sessions</small></h2>
<table data-testid="sessions"></table>
${errorLine('sessions-error')}
</section>
</div>
</body>
</html>
`;
