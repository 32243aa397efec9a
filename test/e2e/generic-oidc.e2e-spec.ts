import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { decodeProtectedHeader } from 'jose';
import { IdentityProviderRegistry } from '../../src/providers/identity-provider.registry.js';
import { OidcProviderServer } from '../support/oidc-provider-server.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * A provider added by configuration alone (PROVIDERS_FILE), against a real OpenID Provider: tokens come from
 * real authorization-code flows, keys and endpoints from its real discovery document.
 */
describe('POST /auth/{id}/token with a generic OpenID Connect provider', () => {
  const op = new OidcProviderServer();
  const opWithoutIntrospection = new OidcProviderServer({ introspection: false });
  const dir = mkdtempSync(join(tmpdir(), 'providers-file-'));
  let t: TestApp;

  beforeAll(async () => {
    await Promise.all([op.start(), opWithoutIntrospection.start()]);
    const file = join(dir, 'providers.json');
    const entry = (id: string, extra: object = {}) => ({
      id,
      type: 'oidc',
      displayName: `Acme (${id})`,
      issuer: op.issuer,
      clientIds: [op.web.id],
      ...extra,
    });
    writeFileSync(
      file,
      JSON.stringify({
        providers: [
          entry('acme', { trustEmailForLinking: true }),
          entry('acme-public'), // no PROVIDER_ACME_PUBLIC_CLIENT_SECRET: ID tokens only, email not trusted for linking
          entry('acme-slash', { issuer: `${op.issuer}/` }), // not the issuer the provider publishes
          entry('plain', { issuer: opWithoutIntrospection.issuer }),
        ],
      }),
    );
    t = await createTestApp({
      PROVIDERS_FILE: file,
      PROVIDER_ACME_CLIENT_SECRET: op.web.secret,
      PROVIDER_PLAIN_CLIENT_SECRET: opWithoutIntrospection.web.secret,
      PROVIDER_JWKS_COOLDOWN_MS: '0',
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([op.stop(), opWithoutIntrospection.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => t.reset());

  const flowsOf = (provider: string) => t.app.get(IdentityProviderRegistry).get(provider).flows;
  const login = (provider: string, body: object) => t.http().post(`/auth/${provider}/token`).send(body);
  const idToken = async (options: { login?: string; nonce?: string } = {}) => (await op.signIn(op.web, options)).id_token;

  // First in the file on purpose: it counts the app's very first fetches.
  it('should fetch the discovery document and the keys once for many logins', async () => {
    for (const name of ['ada', 'grace', 'ada']) await login('acme', { id_token: await idToken({ login: name }) }).expect(200);
    expect(op.requests).toMatchObject({ discovery: 1, jwks: 1 });
  });

  describe('with an ID token', () => {
    it('should create the user from its claims on first login, then recognise them', async () => {
      const first = await login('acme', { id_token: await idToken() }).expect(200);
      expect(first.body).toMatchObject({
        is_new_user: true,
        user: {
          username: 'ada',
          email: 'ada@acme.example',
          email_verified: true,
          name: 'Ada Lovelace',
          first_name: 'Ada',
          last_name: 'Lovelace',
        },
      });
      const again = await login('acme', { id_token: await idToken() }).expect(200);
      expect(again.body).toMatchObject({ is_new_user: false, user: { id: first.body.user.id } });
      expect(await countRows(t.dataSource)).toEqual({ users: 1, social_accounts: 1, refresh_tokens: 2 });
    });

    it('should not trust the email for linking unless the configuration says so', async () => {
      const res = await login('acme-public', { id_token: await idToken() }).expect(200);
      expect(res.body.user).toMatchObject({ email: 'ada@acme.example', email_verified: false });
    });

    it('should accept a token carrying one of our nonces once, and refuse its replay', async () => {
      const { nonce } = (await t.http().get('/auth/acme/nonce').expect(200)).body;
      const token = await idToken({ nonce });
      await login('acme', { id_token: token }).expect(200);
      expect((await login('acme', { id_token: token }).expect(400)).body.code).toBe('invalid_nonce');
    });

    it('should refuse an ID token the provider issued to another client', async () => {
      const { id_token } = await op.signIn(op.other);
      expect((await login('acme', { id_token }).expect(401)).body.code).toBe('provider_token_audience_mismatch');
      expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
    });

    it('should refuse an ID token that also names an audience we do not trust', async () => {
      const token = await op.mint({ sub: 'ada', aud: [op.web.id, op.other.id], azp: op.web.id });
      expect((await login('acme', { id_token: token }).expect(401)).body.code).toBe('provider_token_audience_mismatch');
    });

    it('should refuse an expired ID token', async () => {
      const token = await idToken();
      // The provider's tokens live an hour; two hours later (our clock only) this one has expired.
      jest.useFakeTimers({
        now: Date.now() + 2 * 3600_000,
        doNotFake: [
          'nextTick',
          'setImmediate',
          'clearImmediate',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'queueMicrotask',
          'hrtime',
          'performance',
        ],
      });
      try {
        const res = await login('acme', { id_token: token }).expect(401);
        expect(res.body).toMatchObject({ code: 'invalid_provider_token', message: expect.stringContaining('expired') });
      } finally {
        jest.useRealTimers();
      }
    });

    it("should pick up the provider's rotated key with exactly one more JWKS fetch, without a restart", async () => {
      await login('acme', { id_token: await idToken() }).expect(200);
      const [oldKid, jwksBefore] = [op.kid, op.requests.jwks];
      await op.rotateKeys();
      const token = await idToken();
      expect(decodeProtectedHeader(token).kid).not.toBe(oldKid);
      await login('acme', { id_token: token }).expect(200);
      await login('acme', { id_token: await idToken() }).expect(200);
      expect(op.requests.jwks - jwksBefore).toBe(1);
    });

    it('should answer 502 provider_unavailable when the discovery document names another issuer', async () => {
      const res = await login('acme-slash', { id_token: await idToken() }).expect(502);
      // Which issuer it named is for our log only (test/security/provider-claims.e2e-spec.ts).
      expect(res.body).toEqual({
        statusCode: 502,
        code: 'provider_unavailable',
        message: 'acme-slash publishes an unusable discovery document',
      });
    });
  });

  describe('with an access token', () => {
    it('should log in after introspection says it was issued to our client', async () => {
      const { access_token } = await op.signIn(op.web, { login: 'grace' });
      const res = await login('acme', { access_token }).expect(200);
      expect(res.body).toMatchObject({ is_new_user: true, user: { username: 'grace', email: 'grace@acme.example', email_verified: true } });
    });

    it('should refuse an access token issued to another client, before asking userinfo', async () => {
      const { access_token } = await op.signIn(op.other);
      const userinfoBefore = op.requests.userinfo;
      expect((await login('acme', { access_token }).expect(401)).body.code).toBe('provider_token_audience_mismatch');
      expect(op.requests.userinfo).toBe(userinfoBefore);
    });

    it('should refuse a token the provider does not know', async () => {
      expect((await login('acme', { access_token: 'not-a-token' }).expect(401)).body.code).toBe('invalid_provider_token');
    });

    it('should answer unsupported_grant when no client secret is configured to introspect with', async () => {
      const { access_token } = await op.signIn(op.web);
      expect((await login('acme-public', { access_token }).expect(400)).body.code).toBe('unsupported_grant');
      expect(flowsOf('acme-public')).toEqual(['id_token']);
      expect(flowsOf('acme')).toEqual(['token', 'id_token']);
    });

    it('should answer unsupported_grant when the provider advertises no introspection endpoint', async () => {
      const { access_token } = await opWithoutIntrospection.signIn(opWithoutIntrospection.web);
      expect((await login('plain', { access_token }).expect(400)).body.code).toBe('unsupported_grant');
      expect(flowsOf('plain')).toEqual(['id_token']);
      expect(opWithoutIntrospection.requests.userinfo).toBe(0);
    });
  });
});
