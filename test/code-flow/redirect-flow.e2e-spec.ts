/**
 * The server redirect flow against fake Google, driven as a browser would (cookies kept, redirects followed one by
 * one): /authorize → Google → /callback → return_to#login_code → POST /auth/login-code. Then each rule of issue 3
 * with a test that fails without it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BrowserSession } from '../../src/cli/browser-session.js';
import { OneTimeStore } from '../../src/one-time/one-time-store.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { createListeningApp } from '../support/listening-app.js';
import { countRows, type TestApp } from '../support/test-app.js';

const WEB = 'web-client.apps.googleusercontent.com';
const RETURN_TO = 'https://app.example.com/signed-in';
const ADA = { sub: 'g-ada', email: 'ada@gmail.com', emailVerified: true, name: 'Ada Lovelace' };

describe('redirect flow: GET /auth/google/authorize and /callback', () => {
  const google = new FakeGoogle();
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    await google.start();
    google.clientIds = [WEB];
    ({ t, baseUrl } = await createListeningApp({
      GOOGLE_CLIENT_IDS: WEB,
      GOOGLE_CLIENT_SECRETS: 'google-client-secret',
      GOOGLE_TOKEN_URL: google.tokenUrl,
      GOOGLE_JWKS_URL: google.jwksUrl,
      GOOGLE_AUTHORIZATION_URL: google.authorizationUrl,
      AUTH_RETURN_TO_URLS: `${RETURN_TO},https://app.example.com/`,
      // A second provider, so a state can be presented to the wrong one.
      GITHUB_CLIENT_IDS: 'gh-client',
      GITHUB_CLIENT_SECRETS: 'gh-secret',
      GITHUB_API_URL: `${google.baseUrl}/github`,
    }));
  });
  afterAll(async () => {
    await t?.close();
    await google.stop();
  });
  beforeEach(async () => {
    google.reset();
    google.codes.nextAccount = ADA;
    await t.reset();
  });

  /** Our 302 to Google, then Google's 302 back to our callback: the callback URL, not yet visited. */
  async function toCallback(browser: BrowserSession, query = `return_to=${encodeURIComponent(RETURN_TO)}`): Promise<URL> {
    const start = await browser.get(`${baseUrl}/auth/google/authorize?${query}`);
    expect(start.status).toBe(302);
    const atGoogle = await browser.get(start.headers.get('location')!);
    expect(atGoogle.status).toBe(302);
    return new URL(atGoogle.headers.get('location')!);
  }

  const fragmentOf = (res: Response) => new URLSearchParams(new URL(res.headers.get('location')!).hash.slice(1));
  const redeem = (body: object) => t.http().post('/auth/login-code').send(body);

  it('signs in end to end, with nothing but a one-time login code in any URL we issue', async () => {
    const browser = new BrowserSession();
    const start = await browser.get(`${baseUrl}/auth/google/authorize?return_to=${encodeURIComponent(RETURN_TO)}`);
    const cookie = start.headers.getSetCookie()[0];
    expect(cookie).toMatch(/^nsa_state_[\w-]{16}=[\w-]{43}; Path=\/auth\/google\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/);
    const to = new URL(start.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(google.authorizationUrl);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: WEB,
      redirect_uri: `${baseUrl}/auth/google/callback`,
      code_challenge_method: 'S256',
      access_type: 'offline',
    });
    expect(to.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(to.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(to.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);

    const callback = new URL((await browser.get(to)).headers.get('location')!);
    const back = await browser.get(callback);
    expect(back.status).toBe(302);
    const location = new URL(back.headers.get('location')!);
    expect(`${location.origin}${location.pathname}${location.search}`).toBe(RETURN_TO);
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect([...fragment.keys()]).toEqual(['login_code']);
    expect(back.headers.getSetCookie()[0]).toMatch(/^nsa_state_[\w-]{16}=; .*Max-Age=0/);

    const res = await redeem({ login_code: fragment.get('login_code') }).expect(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', is_new_user: true, user: { email: 'ada@gmail.com', name: 'Ada Lovelace' } });
    await t.http().get('/users/me').set('authorization', `Bearer ${res.body.access_token}`).expect(200);
    // The session began when the code was redeemed: that is the sign-in the audit trail shows.
    const activity = await t.http().get('/users/me/activity').set('authorization', `Bearer ${res.body.access_token}`).expect(200);
    expect(activity.body.events).toEqual([
      expect.objectContaining({ event: 'sign_in', provider: 'google', detail: { flow: 'redirect', new_user: true } }),
    ]);
    // Google's tokens were kept (encrypted) for later calls on the user's behalf.
    const [row] = await t.dataSource.query('SELECT "refreshTokenEncrypted" AS refresh FROM social_accounts');
    expect(row.refresh).toBeTruthy();
  });

  describe('login code', () => {
    it('works once', async () => {
      const browser = new BrowserSession();
      const code = fragmentOf(await browser.get(await toCallback(browser))).get('login_code');
      await redeem({ login_code: code }).expect(200);
      expect((await redeem({ login_code: code }).expect(400)).body.code).toBe('invalid_login_code');
      expect((await countRows(t.dataSource)).refresh_tokens).toBe(1);
    });

    it('needs the verifier of the code_challenge the frontend sent to /authorize', async () => {
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const query = `return_to=${encodeURIComponent(RETURN_TO)}&code_challenge=${challenge}`;
      const stolen = new BrowserSession();
      const code = fragmentOf(await stolen.get(await toCallback(stolen, query))).get('login_code');
      expect((await redeem({ login_code: code }).expect(400)).body.code).toBe('invalid_login_code');
      const mine = new BrowserSession();
      const good = fragmentOf(await mine.get(await toCallback(mine, query))).get('login_code');
      await redeem({ login_code: good, code_verifier: verifier }).expect(200);
    });

    it("cannot be made to redeem another sign-in's outcome copied under it in the store: 400 invalid_login_code", async () => {
      // Whoever can write the one-time store (Redis) but not forge a seal: moves Ada's sealed outcome under a code of their own.
      const ada = new BrowserSession();
      const adaCode = fragmentOf(await ada.get(await toCallback(ada))).get('login_code')!;
      google.codes.nextAccount = { sub: 'g-mallory', email: 'mallory@gmail.com', emailVerified: true, name: 'Mallory' };
      const mallory = new BrowserSession();
      const malloryCode = fragmentOf(await mallory.get(await toCallback(mallory))).get('login_code')!;
      const store = t.app.get(OneTimeStore);
      const hash = (code: string) => createHash('sha256').update(code).digest('base64url');
      const adaOutcome = await store.takeValue(`login-code:${hash(adaCode)}`);
      await store.takeValue(`login-code:${hash(malloryCode)}`);
      await store.putValue(`login-code:${hash(malloryCode)}`, adaOutcome!, 60);
      expect((await redeem({ login_code: malloryCode }).expect(400)).body.code).toBe('invalid_login_code');
      expect((await countRows(t.dataSource)).refresh_tokens).toBe(0);
    });

    it('starts no session until redeemed', async () => {
      const browser = new BrowserSession();
      await browser.get(await toCallback(browser));
      expect(await countRows(t.dataSource)).toEqual({ users: 1, social_accounts: 1, refresh_tokens: 0 });
    });
  });

  describe('state', () => {
    it('is required', async () => {
      const browser = new BrowserSession();
      const callback = await toCallback(browser);
      callback.searchParams.delete('state');
      const res = await browser.get(callback);
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'invalid_state']);
    });

    it('is one value: repeated, it is refused with 400 and spends nothing (it was a 500)', async () => {
      const browser = new BrowserSession();
      const callback = await toCallback(browser);
      const state = callback.searchParams.get('state')!;
      callback.searchParams.append('state', state);
      const res = await browser.get(callback);
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'validation_failed']);
      // The state was not spent: the real callback still signs in.
      callback.searchParams.set('state', state);
      expect(fragmentOf(await browser.get(callback)).get('login_code')).toBeTruthy();
      const form = await t.http().post('/auth/google/callback').type('form').send(`state=${state}&code=x&code=y`);
      expect([form.status, form.body.code]).toEqual([400, 'invalid_state']);
    });

    it('must be one we issued', async () => {
      const browser = new BrowserSession();
      const callback = await toCallback(browser);
      callback.searchParams.set('state', randomBytes(32).toString('base64url'));
      const res = await browser.get(callback);
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'invalid_state']);
    });

    it('works once: a callback called twice is refused and makes no second login', async () => {
      const browser = new BrowserSession();
      const callback = await toCallback(browser);
      const cookies = browser.cookieHeader();
      expect((await browser.get(callback)).status).toBe(302);
      const again = await fetch(callback, { redirect: 'manual', headers: { cookie: cookies } });
      expect([again.status, ((await again.json()) as { code: string }).code]).toEqual([400, 'invalid_state']);
      expect(google.requests.filter((r) => r.path === '/token')).toHaveLength(1);
    });

    it('is bound to the browser that started the sign-in (login CSRF)', async () => {
      const attacker = new BrowserSession();
      const planted = await toCallback(attacker);
      const victim = new BrowserSession();
      const res = await victim.get(planted);
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'state_browser_mismatch']);
      expect(google.requests.filter((r) => r.path === '/token')).toHaveLength(0);
      expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
    });

    it('is not accepted with the cookie of another sign-in of the same browser', async () => {
      const browser = new BrowserSession();
      const first = await toCallback(browser);
      const other = new BrowserSession();
      const second = await toCallback(other);
      // The browser holds the first flow's cookie only; the second flow's state is refused.
      const res = await browser.get(second);
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'state_browser_mismatch']);
      expect((await browser.get(first)).status).toBe(302);
    });

    it('is for the provider it was issued for', async () => {
      const browser = new BrowserSession();
      const callback = await toCallback(browser);
      const res = await browser.get(`${baseUrl}/auth/github/callback${callback.search}`);
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'invalid_state']);
      expect(google.requests.filter((r) => r.path === '/token')).toHaveLength(0);
    });
  });

  it('expires: state and login code', async () => {
    const { t: quick, baseUrl: quickUrl } = await createListeningApp({
      GOOGLE_CLIENT_IDS: WEB,
      GOOGLE_CLIENT_SECRETS: 'google-client-secret',
      GOOGLE_TOKEN_URL: google.tokenUrl,
      GOOGLE_JWKS_URL: google.jwksUrl,
      GOOGLE_AUTHORIZATION_URL: google.authorizationUrl,
      AUTH_RETURN_TO_URLS: RETURN_TO,
      AUTH_STATE_TTL_SECONDS: '1',
      AUTH_LOGIN_CODE_TTL_SECONDS: '1',
    });
    try {
      const browser = new BrowserSession();
      const start = await browser.get(`${quickUrl}/auth/google/authorize?return_to=${encodeURIComponent(RETURN_TO)}`);
      const callback = new URL((await browser.get(start.headers.get('location')!)).headers.get('location')!);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const late = await browser.get(callback);
      expect([late.status, ((await late.json()) as { code: string }).code]).toEqual([400, 'invalid_state']);

      const fresh = new BrowserSession();
      const again = await fresh.get(`${quickUrl}/auth/google/authorize?return_to=${encodeURIComponent(RETURN_TO)}`);
      const back = await fresh.get(new URL((await fresh.get(again.headers.get('location')!)).headers.get('location')!));
      const code = fragmentOf(back).get('login_code');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await quick.http().post('/auth/login-code').send({ login_code: code }).expect(400)).body.code).toBe('invalid_login_code');
    } finally {
      await quick.close();
    }
  });

  it('writes no code, state, verifier or token of the flow into the logs', async () => {
    const lines: string[] = [];
    const { t: logged, baseUrl: loggedUrl } = await createListeningApp(
      {
        GOOGLE_CLIENT_IDS: WEB,
        GOOGLE_CLIENT_SECRETS: 'google-client-secret',
        GOOGLE_TOKEN_URL: google.tokenUrl,
        GOOGLE_JWKS_URL: google.jwksUrl,
        GOOGLE_AUTHORIZATION_URL: google.authorizationUrl,
        AUTH_RETURN_TO_URLS: RETURN_TO,
        LOG_LEVEL: 'debug',
      },
      { logDestination: { write: (line) => void lines.push(line) } },
    );
    try {
      const browser = new BrowserSession();
      const start = await browser.get(`${loggedUrl}/auth/google/authorize?return_to=${encodeURIComponent(RETURN_TO)}`);
      const callback = new URL((await browser.get(start.headers.get('location')!)).headers.get('location')!);
      const binding = browser.cookieHeader().split('=')[1];
      const back = await browser.get(callback);
      const loginCode = fragmentOf(back).get('login_code')!;
      const session = (await logged.http().post('/auth/login-code').send({ login_code: loginCode }).expect(200)).body as {
        access_token: string;
        refresh_token: string;
      };
      const secrets = [
        callback.searchParams.get('code')!,
        callback.searchParams.get('state')!,
        loginCode,
        session.access_token,
        session.refresh_token,
        binding,
        'google-client-secret',
      ];
      const log = lines.join('');
      expect(log).toContain('/auth/google/callback');
      for (const secret of secrets) expect({ secret, logged: log.includes(secret) }).toEqual({ secret, logged: false });
    } finally {
      await logged.close();
    }
  });

  describe('return_to', () => {
    for (const lookAlike of [
      'https://app.example.com.evil.test/signed-in',
      'https://app.example.com@evil.test/signed-in',
      'http://app.example.com/signed-in',
      'https://app.example.com:8443/signed-in',
      'https://app.example.com/signed-in/../admin',
      'https://app.example.com/signed-in-x',
      'https://evil.test/signed-in',
      'https://app.example.com/signed-in#login_code=planted',
    ]) {
      it(`refuses ${lookAlike} before any state is made`, async () => {
        const res = await t
          .http()
          .get(`/auth/google/authorize?return_to=${encodeURIComponent(lookAlike)}`)
          .expect(400);
        expect(res.body.code).toBe('return_to_not_allowed');
        expect(res.headers['set-cookie']).toBeUndefined();
      });
    }
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    const browser = new BrowserSession();
    const start = await browser.get(`${baseUrl}/auth/google/authorize?return_to=${encodeURIComponent(RETURN_TO)}`);
    const sent = new URL(start.headers.get('location')!).searchParams;
    // An injected code: right client, redirect URI and PKCE challenge, but minted for another nonce.
    const injected = google.codes.issue({
      clientId: WEB,
      redirectUri: sent.get('redirect_uri')!,
      codeChallenge: sent.get('code_challenge')!,
      nonce: 'someone-elses-nonce',
      account: ADA,
    });
    const back = await browser.get(`${baseUrl}/auth/google/callback?code=${injected}&state=${sent.get('state')}`);
    expect(Object.fromEntries(fragmentOf(back))).toMatchObject({ error: 'invalid_nonce' });
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });

  it('brings a provider error back to the frontend as an error code, not a 500', async () => {
    google.codes.nextAccount = undefined; // the user pressed "Cancel" at Google
    const browser = new BrowserSession();
    const back = await browser.get(await toCallback(browser));
    expect(back.status).toBe(302);
    expect(Object.fromEntries(fragmentOf(back))).toEqual({
      error: 'provider_access_denied',
      error_description: 'Google answered access_denied',
    });
  });

  it('brings a failed code exchange back as an error code, with nothing written', async () => {
    google.setFault({ kind: 'status', status: 503, path: '/token' });
    const browser = new BrowserSession();
    const back = await browser.get(await toCallback(browser));
    expect(fragmentOf(back).get('error')).toBe('provider_unavailable');
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });

  it('marks every step of the flow no-store (RFC 6749 §5.1): the redirects, the popup page and the login-code answers', async () => {
    const browser = new BrowserSession();
    const start = await browser.get(`${baseUrl}/auth/google/authorize?return_to=${encodeURIComponent(RETURN_TO)}`);
    const back = await browser.get(new URL((await browser.get(start.headers.get('location')!)).headers.get('location')!));
    const popupBrowser = new BrowserSession();
    const popup = await popupBrowser.get(await toCallback(popupBrowser, `return_to=${encodeURIComponent(RETURN_TO)}&mode=popup`));
    const caching = (res: Response) => [res.status, res.headers.get('cache-control'), res.headers.get('pragma')];
    expect([caching(start), caching(back), caching(popup)]).toEqual([
      [302, 'no-store', 'no-cache'],
      [302, 'no-store', 'no-cache'],
      [200, 'no-store', 'no-cache'],
    ]);
    const redeemed = await redeem({ login_code: fragmentOf(back).get('login_code') });
    const refused = await redeem({ login_code: 'nope' });
    for (const res of [redeemed, refused])
      expect([res.status, res.headers['cache-control'], res.headers.pragma]).toEqual([res.status, 'no-store', 'no-cache']);
    expect([redeemed.status, refused.status]).toEqual([200, 400]);
  });

  describe('popup mode', () => {
    it('posts the login code to its opener, addressed to the return_to origin only', async () => {
      const browser = new BrowserSession();
      const res = await browser.get(await toCallback(browser, `return_to=${encodeURIComponent(RETURN_TO)}&mode=popup`));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cross-origin-opener-policy')).toBe('unsafe-none');
      const html = await res.text();
      const nonce = /script-src 'nonce-([\w-]+)'/.exec(res.headers.get('content-security-policy')!)![1];
      expect(html).toContain(`<script nonce="${nonce}">`);
      expect(html).toContain('"targetOrigin":"https://app.example.com"');
      expect(html).toContain('window.opener.postMessage(d.message, d.targetOrigin)');
      expect(html).not.toContain("'*'");
      const code = /"login_code":"([\w-]+)"/.exec(html)![1];
      await redeem({ login_code: code }).expect(200);
    });
  });

  it('takes the callback as a form POST (response_mode=form_post) and nowhere else takes forms', async () => {
    const browser = new BrowserSession();
    const callback = await toCallback(browser);
    const res = await browser.post(`${baseUrl}/auth/google/callback`, Object.fromEntries(callback.searchParams));
    expect(res.status).toBe(302);
    expect(fragmentOf(res).get('login_code')).toBeTruthy();
    const form = await t.http().post('/auth/refresh').type('form').send({ refresh_token: 'x' });
    expect([form.status, form.body.code]).toEqual([415, 'unsupported_media_type']);
  });
});
