/**
 * The demo script's account sections: profile (PATCH /users/me), connected accounts (list, connect with a code
 * the page redeems itself, unlink) and sessions (list, end one). One part of `/demo/app.js` (demo.script.ts).
 */
export const DEMO_ACCOUNT_SCRIPT = String.raw`
  const PROFILE_FIELDS = ['username', 'name', 'first_name', 'last_name'];
  // What a connection in progress needs back when the provider returns to this page: kept for this tab only.
  const CONNECT_KEY = 'nest-social-auth.connect';
  let me = null;
  let providers = [];

  async function loadAccount() {
    showProfile(await authed('GET', '/users/me'));
    await Promise.all([
      loadAccounts().catch((error) => showError(error, 'accounts-error')),
      loadSessions().catch((error) => showError(error, 'sessions-error')),
    ]);
  }

  function showProfile(user) {
    me = user;
    $('user-name').textContent = me.name || me.username;
    for (const name of PROFILE_FIELDS) $('profile-' + name).value = me[name] || '';
    $('me').textContent = JSON.stringify(me, null, 2);
  }

  // Each action below shows its status after the sections it changed are reloaded: a status means done.

  /** Sends only what changed, so an untouched field is never re-validated or overwritten. */
  async function saveProfile() {
    const changes = {};
    for (const name of PROFILE_FIELDS) if ($('profile-' + name).value !== (me[name] || '')) changes[name] = $('profile-' + name).value;
    if (!Object.keys(changes).length) return showStatus('Nothing to save: no field changed.');
    showProfile(await authed('PATCH', '/users/me', changes));
    showStatus('Profile saved (PATCH /users/me): ' + Object.keys(changes).join(', ') + '.');
  }

  async function loadAccounts() {
    const accounts = await authed('GET', '/users/me/social-accounts');
    $('accounts').replaceChildren(...accounts.map((a) => el('li', {},
      a.provider + ' · ' + a.uid + (a.email ? ' · ' + a.email : '') + ' · connected ' + time(a.created_at) + ' ',
      button('Unlink', guarded(() => unlink(a), 'accounts-error')))));
    showConnectButtons();
  }

  async function unlink(account) {
    await authed('DELETE', '/users/me/social-accounts/' + encodeURIComponent(account.id));
    await loadAccounts();
    showStatus('Disconnected ' + account.provider + ' account ' + account.uid + '.');
  }

  /** Providers whose code flow may return to this page: the page redeems the code itself, with our access token. */
  function showConnectButtons() {
    const usable = providers.filter((p) => p.flows.includes('code') && p.authorization_endpoint && (p.redirect_uris || []).includes(returnTo()));
    $('connect').replaceChildren(...usable.map((p) => button('Connect another ' + p.display_name + ' account', guarded(() => startConnect(p), 'accounts-error'))));
    if (!usable.length) $('connect').textContent = 'No enabled provider lists ' + returnTo() + ' among its redirect URIs, so none can be connected from here.';
  }

  async function startConnect(provider) {
    const pending = { provider: provider.id, state: randomString(), verifier: randomString() };
    sessionStorage.setItem(CONNECT_KEY, JSON.stringify(pending));
    const url = new URL(provider.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: provider.client_ids[0], redirect_uri: returnTo(), scope: provider.scopes.join(' '),
      state: pending.state, code_challenge: await pkceChallenge(pending.verifier), code_challenge_method: 'S256',
    }).toString();
    location.assign(url.href);
  }

  /** The provider came back to this page (?code&state or ?error&state): connect that account to this user. */
  async function finishConnect(params) {
    const pending = JSON.parse(sessionStorage.getItem(CONNECT_KEY) || 'null');
    sessionStorage.removeItem(CONNECT_KEY);
    if (!pending || params.get('state') !== pending.state) throw { code: 'invalid_state', message: 'This answer is not for a connection this tab started' };
    if (params.has('error')) throw { code: params.get('error'), message: params.get('error_description') || 'The provider refused' };
    const body = { code: params.get('code'), redirect_uri: returnTo(), code_verifier: pending.verifier };
    const account = await authed('POST', '/users/me/social-accounts/' + encodeURIComponent(pending.provider) + '/code', body);
    await loadAccounts();
    showStatus('Connected ' + account.provider + ' account ' + account.uid + ' (POST /users/me/social-accounts/' + account.provider + '/code).');
  }

  async function loadSessions() {
    const sessions = await authed('GET', '/auth/sessions');
    const header = el('tr', {}, ...['Device', 'IP', 'Signed in', 'Last used', ''].map((h) => el('th', {}, h)));
    $('sessions').replaceChildren(header, ...sessions.map((s) => el('tr', { 'data-testid': 'session' },
      el('td', {}, (s.device || 'unknown').slice(0, 60)), el('td', {}, s.ip || ''), el('td', {}, time(s.created_at)),
      el('td', {}, time(s.last_used_at)),
      el('td', {}, s.current ? el('strong', {}, 'this tab ') : '', button('End', guarded(() => endSession(s), 'sessions-error'))))));
  }

  async function endSession(s) {
    const old = session.accessToken;
    await authed('DELETE', '/auth/sessions/' + encodeURIComponent(s.id));
    if (s.current) return afterSessionEnded(old, 'This tab\'s session ended (DELETE /auth/sessions/{id}).');
    await loadSessions();
    showStatus('Session ended (DELETE /auth/sessions/{id}): its refresh token no longer works.');
  }

  $('profile').addEventListener('submit', (event) => {
    event.preventDefault();
    guarded(saveProfile, 'profile-error')();
  });
`;
