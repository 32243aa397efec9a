/**
 * The demo page: static HTML whose one script (`/demo/app.js`, demo.script.ts) does everything. The inline
 * style is allowed by its hash, so the page's CSP allows no inline script at all.
 */
import { cspHashSource } from '../common/security/helmet.js';

const STYLE = 'body{font:16px system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}'
  + 'button{font:inherit;padding:.35rem .7rem;margin:.2rem .4rem .2rem 0}pre{background:#f4f4f4;padding:.6rem;overflow:auto;font-size:13px}'
  + '.error{color:#a00}.muted{color:#555}[hidden]{display:none!important}li{margin:.4rem 0}';

export const DEMO_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  connectSrc: ["'self'"],
  styleSrc: [cspHashSource(STYLE)],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nest-social-auth demo</title>
<style>${STYLE}</style>
<script src="/demo/app.js" defer></script>
</head>
<body>
<h1>nest-social-auth demo</h1>
<p class="muted">A frontend of this API in one page: sign in through the server redirect flow, then call the API with our tokens.</p>
<p class="error" role="alert" data-testid="error" hidden></p>
<section data-testid="signed-out">
<h2>Sign in</h2>
<ul data-testid="providers"><li class="muted">Loading providers…</li></ul>
</section>
<section data-testid="signed-in" hidden>
<h2>Signed in as <span data-testid="user-name"></span></h2>
<p>Access token <code data-testid="token-id"></code> expires at <span data-testid="expires-at"></span>.</p>
<button type="button" data-testid="refresh">Refresh</button>
<button type="button" data-testid="logout">Log out</button>
<h3>GET /users/me</h3>
<pre data-testid="me"></pre>
<h3>Access token, decoded (not verified: that is the API's job)</h3>
<pre data-testid="token"></pre>
</section>
</body>
</html>
`;
