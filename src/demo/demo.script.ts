/**
 * The demo page's script, served as `/demo/app.js`. It is a string because there is no build step for browser
 * code: tsc copies no .js assets into dist/, and a string ships with the module that serves it.
 * Plain ES2020 for any current browser; no template literals, so the TypeScript string needs no escaping.
 */
export const DEMO_SCRIPT = String.raw`'use strict';
(() => {
  const MESSAGE_SOURCE = 'nest-social-auth';
  // The refresh token is kept in sessionStorage: it survives a reload of this tab, but no other tab, no later
  // visit and nothing on disk sees it (localStorage would keep it for any script of this origin, indefinitely).
  // The access token stays in memory only. A production SPA would keep the refresh token out of scripts entirely.
  const STORAGE_KEY = 'nest-social-auth.refresh_token';
  let session = null;

  const $ = (id) => document.querySelector('[data-testid="' + id + '"]');
  const returnTo = () => location.origin + '/demo';
  const authorizeUrl = (id, mode) =>
    '/auth/' + encodeURIComponent(id) + '/authorize?return_to=' + encodeURIComponent(returnTo()) + '&mode=' + mode;

  function showError(error) {
    $('error').textContent = (error.code ? error.code + ': ' : '') + (error.message || 'Something went wrong');
    $('error').hidden = false;
  }

  async function api(method, path, body, accessToken) {
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (accessToken) headers.authorization = 'Bearer ' + accessToken;
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 204) return null;
    const json = await res.json().catch(() => ({ code: 'bad_response', message: 'HTTP ' + res.status + ' without a JSON body' }));
    if (!res.ok) throw Object.assign(new Error(json.message), { code: json.code || 'http_' + res.status });
    return json;
  }

  /** Decoding only (base64url JSON): the signature is the API's to verify, never the page's. */
  function decodeJwt(token) {
    const part = (s) => {
      const binary = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
      return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    };
    const [header, payload] = token.split('.');
    return { header: part(header), payload: part(payload) };
  }

  function render(me) {
    $('signed-in').hidden = !session;
    $('signed-out').hidden = Boolean(session);
    if (!session) return;
    const { header, payload } = decodeJwt(session.accessToken);
    $('user-name').textContent = me.name || me.username;
    $('token-id').textContent = payload.jti || session.accessToken.slice(-12);
    $('expires-at').textContent = new Date(payload.exp * 1000).toLocaleString();
    $('me').textContent = JSON.stringify(me, null, 2);
    $('token').textContent = JSON.stringify({ header, payload }, null, 2);
  }

  async function signedIn(pair) {
    session = { accessToken: pair.access_token, refreshToken: pair.refresh_token };
    sessionStorage.setItem(STORAGE_KEY, pair.refresh_token);
    render(await api('GET', '/users/me', undefined, session.accessToken));
  }

  function signedOut() {
    session = null;
    sessionStorage.removeItem(STORAGE_KEY);
    render();
  }

  /** What the callback hands back, in the fragment (redirect) or a message (popup): a one-time code or an error. */
  async function handleResult(result) {
    $('error').hidden = true;
    if (result.error) return showError({ code: result.error, message: result.error_description });
    if (result.login_code) await signedIn(await api('POST', '/auth/login-code', { login_code: result.login_code }));
  }

  function signInWithPopup(id) {
    const popup = window.open(authorizeUrl(id, 'popup'), 'nest-social-auth-sign-in', 'popup,width=520,height=680');
    if (!popup) showError({ code: 'popup_blocked', message: 'The browser blocked the sign-in window; allow popups or use the other button.' });
  }

  function button(label, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }

  async function listProviders() {
    const { providers } = await api('GET', '/auth/providers');
    const list = $('providers');
    list.replaceChildren();
    for (const p of providers.filter((provider) => provider.flows.includes('redirect'))) {
      const item = document.createElement('li');
      item.append(
        button('Sign in with ' + p.display_name, () => location.assign(authorizeUrl(p.id, 'redirect'))),
        button('Sign in with ' + p.display_name + ' (popup)', () => signInWithPopup(p.id)),
      );
      list.append(item);
    }
    if (!list.children.length) list.textContent = 'No enabled provider supports the redirect flow (try DEV_IDP_ENABLED=true).';
  }

  const guarded = (action) => () => action().catch((error) => {
    showError(error);
  });

  window.addEventListener('message', (event) => {
    // Only this API's callback page, on this origin, may hand the page a login code.
    if (event.origin !== location.origin || !event.data || event.data.source !== MESSAGE_SOURCE) return;
    guarded(() => handleResult(event.data))();
  });
  $('refresh').addEventListener('click', guarded(async () => signedIn(await api('POST', '/auth/refresh', { refresh_token: session.refreshToken }))));
  $('logout').addEventListener('click', guarded(async () => {
    await api('POST', '/auth/logout', { refresh_token: session.refreshToken });
    signedOut();
  }));

  guarded(async () => {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const stored = sessionStorage.getItem(STORAGE_KEY);
    if (fragment.has('login_code') || fragment.has('error')) {
      // The code is single-use and short-lived, but it should not linger in the address bar or history either.
      history.replaceState(null, '', location.pathname + location.search);
      await handleResult(Object.fromEntries(fragment));
    } else if (stored) {
      await signedIn(await api('POST', '/auth/refresh', { refresh_token: stored })).catch((error) => {
        signedOut();
        throw error;
      });
    }
  })();
  guarded(listProviders)();
})();
`;
