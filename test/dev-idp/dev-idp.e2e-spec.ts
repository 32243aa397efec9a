import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { DEV_IDP_CLIENT_ID } from '../../src/dev-idp/dev-idp.client.js';
import { registerDevIdp } from '../../src/dev-idp/dev-idp.mount.js';
import { startAppWithDevIdp, type ListeningApp } from './dev-idp-app.js';
import { formAction, startAuthorization, submitLogin, type AuthorizationAttempt } from './dev-idp-flow.js';

type Entry = { msg?: string; url?: string; route?: string };

describe(registerDevIdp.name, () => {
  const lines: string[] = [];
  let t: ListeningApp;
  let redirectUri: string;

  beforeAll(async () => {
    t = await startAppWithDevIdp(
      { LOG_LEVEL: 'info' },
      { logDestination: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) } },
    );
    redirectUri = `${t.url}/auth/dev/callback`;
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => {
    lines.length = 0;
  });

  const start = (options: Parameters<typeof startAuthorization>[3] = {}) =>
    startAuthorization(t.issuer, DEV_IDP_CLIENT_ID, redirectUri, options);
  const basic = (secret = t.config.browser.devIdp.clientSecret) =>
    `Basic ${Buffer.from(`${DEV_IDP_CLIENT_ID}:${secret}`).toString('base64')}`;
  const redeem = (attempt: AuthorizationAttempt, code: string, secret?: string) =>
    fetch(`${t.issuer}/token`, {
      method: 'POST',
      headers: { authorization: basic(secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: attempt.verifier }),
    });

  it('should serve its discovery document under the issuer PUBLIC_URL + /dev-idp, every endpoint below it', async () => {
    const res = await fetch(`${t.issuer}/.well-known/openid-configuration`);

    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(`${t.url}/dev-idp`);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri'])
      expect(String(doc[endpoint])).toMatch(new RegExp(`^${t.issuer}/`));
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('should sign in any username through the code flow with PKCE: ID token, userinfo and a refresh token', async () => {
    const { attempt, url, res } = await start();
    expect(res.status).toBe(200);

    const callback = await submitLogin(attempt, { url, res }, 'Ada Lovelace');
    expect(callback.get('state')).toBe(attempt.state);
    expect(callback.get('iss')).toBe(t.issuer);
    const tokens = (await (await redeem(attempt, callback.get('code')!)).json()) as Record<string, string>;
    const { payload } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(`${t.issuer}/jwks`)), {
      issuer: t.issuer,
      audience: DEV_IDP_CLIENT_ID,
    });
    expect(payload).toMatchObject({ sub: 'ada-lovelace', nonce: 'n-0S6_WzA2Mj' });
    const userinfo = await fetch(`${t.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await userinfo.json()).toEqual({
      sub: 'ada-lovelace',
      name: 'Ada Lovelace',
      preferred_username: 'ada-lovelace',
      email: 'ada-lovelace@dev-idp.localhost',
      email_verified: true,
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('should refuse a code redeemed with another client secret (401 invalid_client)', async () => {
    const { attempt, url, res } = await start();
    const callback = await submitLogin(attempt, { url, res }, 'ada');

    const answer = await redeem(attempt, callback.get('code')!, 'not-the-secret');

    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('should refuse an authorization request without a PKCE challenge', async () => {
    const { res } = await start({ withoutPkce: true });

    const back = new URL(res.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('should ask for a username again on the next sign-in, so a developer can switch users', async () => {
    const first = await start();
    await submitLogin(first.attempt, first, 'ada');

    const second = await start({ browser: first.attempt.browser });

    expect(second.res.status).toBe(200);
    expect(await second.res.clone().text()).toContain('any username signs in');
    const callback = await submitLogin(second.attempt, second, 'Grace Hopper');
    const tokens = (await (await redeem(second.attempt, callback.get('code')!)).json()) as Record<string, string>;
    expect(JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString())).toMatchObject({ sub: 'grace-hopper' });
  });

  it('should answer the form again, with the problem, for a username with no letter or digit', async () => {
    const { attempt, url, res } = await start();

    const posted = await attempt.browser.post(formAction(await res.text(), url), { username: ' -- ' });

    expect(posted.status).toBe(400);
    expect(await posted.text()).toContain('Type a username with at least one letter or digit.');
  });

  it('should return access_denied to the client when the user cancels', async () => {
    const { attempt, url, res } = await start();
    const cancel = /<form class="cancel"[^>]* action="([^"]+)"/.exec(await res.text())![1];

    const posted = await attempt.browser.post(new URL(cancel, url), {});
    const resumed = await attempt.browser.get(new URL(posted.headers.get('location')!, url));

    const back = new URL(resumed.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get('error')).toBe('access_denied');
  });

  it('should serve its sign-in page with no inline script or style but its own, no caching, and no opener policy that would break a popup', async () => {
    const { res } = await start();

    const csp = Object.fromEntries(
      res.headers
        .get('content-security-policy')!
        .split(';')
        .map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(csp).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': expect.stringMatching(/^'sha256-[^']+'$/),
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('should log its requests with their full path and never their query string (codes, states)', async () => {
    const { attempt, url, res } = await start();
    const callback = await submitLogin(attempt, { url, res }, 'ada');
    await redeem(attempt, callback.get('code')!);

    const completed = lines.map((line) => JSON.parse(line) as Entry).filter((e) => e.msg === 'request completed');
    expect(completed.map((e) => e.url)).toEqual(
      expect.arrayContaining(['/dev-idp/auth', `/dev-idp/interaction/${url.pathname.split('/').pop()}`, '/dev-idp/token']),
    );
    expect(completed.find((e) => e.url === '/dev-idp/token')?.route).toBe('/dev-idp/*');
    expect(lines.join('\n')).not.toContain(callback.get('code')!);
    expect(lines.join('\n')).not.toContain(attempt.state);
  });
});
