/**
 * The demo script's session: signing in (redirect or popup), the tokens panel, refresh and the two log-outs.
 * One part of `/demo/app.js` (demo.script.ts).
 */
export const DEMO_SESSION_SCRIPT = String.raw`
  const MESSAGE_SOURCE = 'nest-social-auth';
  // The refresh token is kept in sessionStorage: it survives a reload of this tab (and the round trip to a provider
  // when connecting an account), but no other tab, no later visit and nothing on disk sees it. The access token
  // stays in memory only. A production SPA would keep the refresh token out of scripts entirely.
  const STORAGE_KEY = 'nest-social-auth.refresh_token';
  /** { accessToken, refreshToken, claims }, or null when signed out. */
  let session = null;

  const returnTo = () => location.origin + '/demo';
  const authorizeUrl = (id, mode) =>
    '/auth/' + encodeURIComponent(id) + '/authorize?return_to=' + encodeURIComponent(returnTo()) + '&mode=' + mode;
  const authed = (method, path, body) => api(method, path, body, session.accessToken);

  function renderTokens() {
    $('signed-in').hidden = !session;
    $('signed-out').hidden = Boolean(session);
    if (!session) return;
    const { header, payload } = session.claims;
    $('token-id').textContent = payload.jti;
    $('expires-at').textContent = new Date(payload.exp * 1000).toLocaleTimeString();
    // The refresh token is a credential for weeks: the page says whether it holds one, never what it is.
    $('refresh-token').textContent = session.refreshToken ? 'present, in this tab only (never shown)' : 'absent';
    $('token').textContent = JSON.stringify({ header, payload }, null, 2);
    tick();
  }

  /** The countdown to the access token's expiry: after it, calls fail with invalid_token until a refresh. */
  function tick() {
    if (!session) return;
    const left = Math.round(session.claims.payload.exp - Date.now() / 1000);
    $('expires-in').textContent = left > 0 ? 'in ' + Math.floor(left / 60) + ' min ' + String(left % 60).padStart(2, '0') + ' s' : 'expired: refresh';
  }
  setInterval(tick, 1000);

  async function signedIn(pair) {
    session = { accessToken: pair.access_token, refreshToken: pair.refresh_token, claims: decodeJwt(pair.access_token) };
    sessionStorage.setItem(STORAGE_KEY, pair.refresh_token);
    // Shown once every section is filled: what the page shows is what the API answered, never half of it.
    await loadAccount();
    renderTokens();
  }

  function signedOut(message) {
    session = null;
    sessionStorage.removeItem(STORAGE_KEY);
    renderTokens();
    if (message) showStatus(message);
  }

  /** After the API ended this page's session: asks whether it still takes the old access token, then signs out here. */
  async function afterSessionEnded(oldAccessToken, what) {
    const refusal = await api('GET', '/users/me', undefined, oldAccessToken).then(() => null, (error) => error);
    const expiry = new Date(decodeJwt(oldAccessToken).payload.exp * 1000).toLocaleTimeString();
    signedOut(what + ' The refresh token is gone from this tab.' + (refusal
      ? ' The old access token is refused now (' + refusal.code + ').'
      : ' The old access token still works until it expires at ' + expiry + ' (JWT_CHECK_SESSION=true refuses it at once).'));
  }

  async function refresh() {
    const before = session.claims.payload.jti;
    await signedIn(await api('POST', '/auth/refresh', { refresh_token: session.refreshToken }));
    showStatus('Refreshed: access token ' + before + ' replaced by ' + session.claims.payload.jti + ', expiring at '
      + $('expires-at').textContent + '. The old refresh token no longer works.');
  }

  async function logout() {
    const old = session.accessToken;
    await api('POST', '/auth/logout', { refresh_token: session.refreshToken });
    await afterSessionEnded(old, 'Signed out: this session ended at the API (POST /auth/logout).');
  }

  async function logoutEverywhere() {
    const old = session.accessToken;
    await authed('POST', '/auth/logout-all');
    await afterSessionEnded(old, 'Signed out everywhere: every session of this user ended (POST /auth/logout-all).');
  }

  /** What the callback hands back, in the fragment (redirect) or a message (popup): a one-time code or an error. */
  async function handleResult(result) {
    if (result.error) return showError({ code: result.error, message: result.error_description }, 'error');
    if (result.login_code) await signedIn(await api('POST', '/auth/login-code', { login_code: result.login_code }));
  }

  function signInWithPopup(id) {
    const popup = window.open(authorizeUrl(id, 'popup'), 'nest-social-auth-sign-in', 'popup,width=520,height=680');
    if (!popup) showError({ code: 'popup_blocked', message: 'The browser blocked the sign-in window; allow popups or use the other button.' }, 'error');
  }

  function listSignIns(providers) {
    const list = $('providers');
    list.replaceChildren();
    for (const p of providers.filter((provider) => provider.flows.includes('redirect'))) {
      list.append(el('li', {},
        button('Sign in with ' + p.display_name, () => location.assign(authorizeUrl(p.id, 'redirect'))),
        button('Sign in with ' + p.display_name + ' (popup)', () => signInWithPopup(p.id))));
    }
    if (!list.children.length) list.textContent = 'No enabled provider supports the redirect flow (try DEV_IDP_ENABLED=true).';
  }

  window.addEventListener('message', (event) => {
    // Only this API's callback page, on this origin, may hand the page a login code.
    if (event.origin !== location.origin || !event.data || event.data.source !== MESSAGE_SOURCE) return;
    guarded(() => handleResult(event.data))();
  });
  $('refresh').addEventListener('click', guarded(refresh, 'tokens-error'));
  $('logout').addEventListener('click', guarded(logout, 'tokens-error'));
  $('logout-all').addEventListener('click', guarded(logoutEverywhere, 'tokens-error'));
`;
