import { randomToken } from '../../common/crypto/random.js';

/**
 * The callback page of the popup flow (seed 001): it posts the result to the window that opened it, addressed to
 * the `return_to` origin only (never "*", so no other page can read the login code), then closes. If the opener is
 * gone (closed, or severed by its Cross-Origin-Opener-Policy) it falls back to the redirect: the same fragment.
 */
export function popupPage(
  targetOrigin: string,
  message: Record<string, string>,
  fallbackUrl: string,
): { html: string; headers: Record<string, string> } {
  const nonce = randomToken(16);
  const data = scriptJson({ message: { source: 'nest-social-auth', ...message }, targetOrigin, fallbackUrl });
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signing in…</title></head>
<body><p>Signing you in… you can close this window.</p>
<script nonce="${nonce}">
(function () {
  var d = ${data};
  if (window.opener && !window.opener.closed) { window.opener.postMessage(d.message, d.targetOrigin); window.close(); }
  else { window.location.replace(d.fallbackUrl); }
})();
</script></body></html>`;
  return {
    html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
      // The opener lives on the frontend's origin; `same-origin` (helmet's default) would cut the popup from it.
      'cross-origin-opener-policy': 'unsafe-none',
      'cache-control': 'no-store',
    },
  };
}

/** JSON that is safe inside a <script> element: no `</script>`, no HTML comment openers, no JS line separators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
