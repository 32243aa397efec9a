/**
 * POST /auth/google/code: the frontend hands us Google's authorization code; we redeem it with the client secret,
 * verify the ID token, and keep Google's tokens (encrypted). Every refusal is checked to leave no rows.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { s256 } from '../fakes/authorization-codes.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

const WEB = 'web-client.apps.googleusercontent.com';
const WEB_REDIRECT = 'https://app.example.com/auth/callback';
const NATIVE_REDIRECT = 'com.example.app:/oauth2redirect';
const LOOPBACK_REDIRECT = 'http://127.0.0.1/oauth2/cb';
const ADA = { sub: 'g-ada', email: 'ada@gmail.com', emailVerified: true, name: 'Ada Lovelace' };
const NO_ROWS = { users: 0, social_accounts: 0, refresh_tokens: 0 };

describe('POST /auth/google/code', () => {
  const google = new FakeGoogle();
  let t: TestApp;

  beforeAll(async () => {
    await google.start();
    google.clientIds = [WEB];
    t = await createTestApp({
      GOOGLE_CLIENT_IDS: WEB,
      GOOGLE_CLIENT_SECRETS: 'google-client-secret',
      GOOGLE_TOKEN_URL: google.tokenUrl,
      GOOGLE_JWKS_URL: google.jwksUrl,
      GOOGLE_REDIRECT_URIS: [WEB_REDIRECT, NATIVE_REDIRECT, LOOPBACK_REDIRECT].join(','),
    });
  });
  afterAll(async () => {
    await t?.close();
    await google.stop();
  });
  beforeEach(async () => {
    google.reset();
    google.refreshTokens.clientSecret = 'google-client-secret';
    await t.reset();
  });

  const verifier = () => randomBytes(32).toString('base64url');
  const codeFor = (redirectUri: string, pkce?: string, nonce?: string) =>
    google.codes.issue({ clientId: WEB, redirectUri, account: ADA, codeChallenge: pkce && s256(pkce), nonce });
  const exchange = (body: object) => t.http().post('/auth/google/code').send(body);
  const tokenCalls = () => google.requests.filter((r) => r.path === '/token').length;

  it('redeems the code, answers like /token, and keeps the provider tokens encrypted', async () => {
    const v = verifier();
    const res = await exchange({ code: codeFor(WEB_REDIRECT, v), redirect_uri: WEB_REDIRECT, code_verifier: v }).expect(200);
    // RFC 6749 §5.1: an answer with tokens is never stored by a cache.
    expect([res.headers['cache-control'], res.headers.pragma]).toEqual(['no-store', 'no-cache']);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      is_new_user: true,
      user: { email: 'ada@gmail.com', email_verified: true, name: 'Ada Lovelace' },
    });
    const [call] = google.requests.filter((r) => r.path === '/token');
    expect(Object.fromEntries(new URLSearchParams(call.body))).toMatchObject({
      grant_type: 'authorization_code',
      redirect_uri: WEB_REDIRECT,
      code_verifier: v,
      client_id: WEB,
    });
    const [row] = await t.dataSource.query(
      'SELECT "accessTokenEncrypted" AS access, "refreshTokenEncrypted" AS refresh, "extraData" AS extra FROM social_accounts',
    );
    expect(row.access).toBeTruthy();
    expect(row.refresh).toBeTruthy();
    expect(String(row.access)).not.toContain('ya29.');
    expect(String(row.refresh)).not.toContain('1//0');
    expect(JSON.stringify(row.extra)).toContain(WEB);
  });

  it('checks a nonce the frontend names against the ID token', async () => {
    const v = verifier();
    await exchange({ code: codeFor(WEB_REDIRECT, v, 'n-1'), redirect_uri: WEB_REDIRECT, code_verifier: v, nonce: 'n-1' }).expect(200);
    const res = await exchange({
      code: codeFor(WEB_REDIRECT, v, 'n-2'),
      redirect_uri: WEB_REDIRECT,
      code_verifier: v,
      nonce: 'n-other',
    }).expect(400);
    expect(res.body.code).toBe('invalid_nonce');
    const absent = await exchange({ code: codeFor(WEB_REDIRECT, v), redirect_uri: WEB_REDIRECT, code_verifier: v, nonce: 'n-3' }).expect(
      400,
    );
    expect(absent.body.code).toBe('invalid_nonce');
  });

  it('spends a server-issued nonce the ID token carries, once', async () => {
    const { nonce } = (await t.http().get('/auth/google/nonce').expect(200)).body as { nonce: string };
    const v = verifier();
    await exchange({ code: codeFor(WEB_REDIRECT, v, nonce), redirect_uri: WEB_REDIRECT, code_verifier: v }).expect(200);
    const res = await exchange({ code: codeFor(WEB_REDIRECT, v, nonce), redirect_uri: WEB_REDIRECT, code_verifier: v }).expect(400);
    expect(res.body.code).toBe('invalid_nonce');
  });

  describe('redirect_uri', () => {
    for (const uri of [
      'https://app.example.com.evil.test/auth/callback',
      'https://app.example.com@evil.test/auth/callback',
      'http://app.example.com/auth/callback',
      'https://app.example.com:8443/auth/callback',
      'https://app.example.com/auth/callback/../../evil',
      'https://app.example.com/auth/callbackx',
      'com.example.evil:/oauth2redirect',
    ]) {
      it(`refuses ${uri} before calling Google`, async () => {
        const res = await exchange({ code: 'any', redirect_uri: uri, code_verifier: verifier() }).expect(400);
        expect(res.body.code).toBe('redirect_uri_not_allowed');
        expect(tokenCalls()).toBe(0);
        expect(await countRows(t.dataSource)).toEqual(NO_ROWS);
      });
    }

    it('accepts a private-use scheme and a loopback redirect on any port, with PKCE', async () => {
      const v = verifier();
      await exchange({ code: codeFor(NATIVE_REDIRECT, v), redirect_uri: NATIVE_REDIRECT, code_verifier: v }).expect(200);
      const loopback = 'http://127.0.0.1:53682/oauth2/cb';
      await exchange({ code: codeFor(loopback, v), redirect_uri: loopback, code_verifier: v }).expect(200);
    });
  });

  describe('PKCE', () => {
    it('is required for native redirect URIs even when web frontends may skip it', async () => {
      const relaxed = await createTestApp({
        GOOGLE_CLIENT_IDS: WEB,
        GOOGLE_CLIENT_SECRETS: 'google-client-secret',
        GOOGLE_TOKEN_URL: google.tokenUrl,
        GOOGLE_JWKS_URL: google.jwksUrl,
        GOOGLE_REDIRECT_URIS: `${WEB_REDIRECT},${NATIVE_REDIRECT}`,
        AUTH_CODE_PKCE_REQUIRED: 'false',
      });
      try {
        await relaxed
          .http()
          .post('/auth/google/code')
          .send({ code: codeFor(WEB_REDIRECT), redirect_uri: WEB_REDIRECT })
          .expect(200);
        const res = await relaxed
          .http()
          .post('/auth/google/code')
          .send({ code: codeFor(NATIVE_REDIRECT), redirect_uri: NATIVE_REDIRECT })
          .expect(400);
        expect(res.body.code).toBe('code_verifier_required');
      } finally {
        await relaxed.close();
      }
    });

    it('is required by default, before calling Google', async () => {
      const res = await exchange({ code: codeFor(WEB_REDIRECT), redirect_uri: WEB_REDIRECT }).expect(400);
      expect(res.body.code).toBe('code_verifier_required');
      expect(tokenCalls()).toBe(0);
    });

    it('refuses a wrong verifier (Google says invalid_grant) and leaves no rows', async () => {
      const res = await exchange({ code: codeFor(WEB_REDIRECT, verifier()), redirect_uri: WEB_REDIRECT, code_verifier: verifier() }).expect(
        400,
      );
      expect(res.body.code).toBe('invalid_authorization_code');
      expect(await countRows(t.dataSource)).toEqual(NO_ROWS);
    });
  });

  it('refuses a code used twice', async () => {
    const v = verifier();
    const code = codeFor(WEB_REDIRECT, v);
    await exchange({ code, redirect_uri: WEB_REDIRECT, code_verifier: v }).expect(200);
    const res = await exchange({ code, redirect_uri: WEB_REDIRECT, code_verifier: v }).expect(400);
    expect(res.body.code).toBe('invalid_authorization_code');
  });

  it('refuses a code issued for another allowed redirect URI (Google: redirect_uri_mismatch)', async () => {
    const v = verifier();
    const res = await exchange({ code: codeFor(NATIVE_REDIRECT, v), redirect_uri: WEB_REDIRECT, code_verifier: v }).expect(400);
    expect(res.body.code).toBe('invalid_authorization_code');
  });

  it('answers 502 when Google refuses our client secret, and 502/504 when it fails', async () => {
    google.refreshTokens.clientSecret = 'rotated-at-google';
    const v = verifier();
    const refused = await exchange({ code: codeFor(WEB_REDIRECT, v), redirect_uri: WEB_REDIRECT, code_verifier: v }).expect(502);
    expect(refused.body).toMatchObject({ code: 'provider_unavailable' });
    // The provider's error name is for our log, not for anonymous clients (issue 11).
    expect(JSON.stringify(refused.body)).not.toContain('invalid_client');
    google.refreshTokens.clientSecret = 'google-client-secret';
    // Nothing of the provider's error is quoted back (the log names it, as "invalid" when it is no OAuth error name).
    google.setFault({ kind: 'status', status: 400, body: JSON.stringify({ error: 'Bad <b>thing</b> ya29.leaked-token' }), path: '/token' });
    const garbled = await exchange({ code: codeFor(WEB_REDIRECT, v), redirect_uri: WEB_REDIRECT, code_verifier: v }).expect(502);
    expect(garbled.body.code).toBe('provider_unavailable');
    expect(garbled.body.message).not.toMatch(/ya29|thing/);
    google.setFault({ kind: 'malformed-json', path: '/token' });
    expect((await exchange({ code: codeFor(WEB_REDIRECT, v), redirect_uri: WEB_REDIRECT, code_verifier: v }).expect(502)).body.code).toBe(
      'provider_unavailable',
    );
    google.setFault({ kind: 'slow', delayMs: 1500, path: '/token' });
    expect((await exchange({ code: codeFor(WEB_REDIRECT, v), redirect_uri: WEB_REDIRECT, code_verifier: v }).expect(504)).body.code).toBe(
      'provider_timeout',
    );
    expect(await countRows(t.dataSource)).toEqual(NO_ROWS);
  });

  it('refuses unknown fields and malformed verifiers with validation_failed', async () => {
    expect((await exchange({ code: 'c', redirect_uri: WEB_REDIRECT, code_verifier: 'short' }).expect(400)).body.code).toBe(
      'validation_failed',
    );
    expect((await exchange({ code: 'c', redirect_uri: WEB_REDIRECT, client_secret: 'x' }).expect(400)).body.code).toBe('validation_failed');
  });

  it('lists code and redirect among the flows of GET /auth/providers', async () => {
    const res = await t.http().get('/auth/providers').expect(200);
    expect(res.body.providers[0]).toMatchObject({
      flows: ['token', 'id_token', 'code', 'redirect'],
      redirect_uris: [WEB_REDIRECT, NATIVE_REDIRECT, LOOPBACK_REDIRECT],
      authorize_url: '/auth/google/authorize',
    });
  });
});
