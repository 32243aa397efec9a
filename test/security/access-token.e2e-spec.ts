import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { TEST_SIGNING_KEY_PEM } from '../fixtures/keys.js';
import { createAppWithGoogle, loginWithGoogle, type LoginResult } from '../support/google-login.js';
import type { TestApp } from '../support/test-app.js';

/** Each rule of our access-token verification, with a token that breaks exactly that rule. */
describe('access token verification', () => {
  let t: TestApp;
  let google: FakeGoogle;
  let session: LoginResult;
  let kid: string;
  const ourKey = createPrivateKey(TEST_SIGNING_KEY_PEM);

  beforeAll(async () => {
    ({ t, google } = await createAppWithGoogle());
    session = await loginWithGoogle(t, google);
    kid = (await t.http().get('/.well-known/jwks.json')).body.keys[0].kid;
  });
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  const me = (token: string) => t.http().get('/users/me').set('authorization', `Bearer ${token}`);
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = () => ({ sub: session.user.id, sid: 'x', jti: 'j' });
  const sign = (
    overrides: { iss?: string; aud?: string; exp?: number; key?: Parameters<SignJWT['sign']>[0]; alg?: string; typ?: string | null } = {},
  ) =>
    new SignJWT(claims())
      .setProtectedHeader({ alg: overrides.alg ?? 'ES256', kid, ...(overrides.typ === null ? {} : { typ: overrides.typ ?? 'at+jwt' }) })
      .setIssuer(overrides.iss ?? t.config.jwt.issuer)
      .setAudience(overrides.aud ?? t.config.jwt.audience)
      .setIssuedAt()
      .setExpirationTime(overrides.exp ?? Math.floor(Date.now() / 1000) + 300)
      .sign(overrides.key ?? ourKey);

  it('should accept our own token (control case for the refusals below)', async () => {
    await me(session.access_token).expect(200);
    await me(await sign()).expect(200);
  });

  it('should publish keys that let another service verify our tokens without calling us', async () => {
    const jwks = (await t.http().get('/.well-known/jwks.json').expect(200)).body;
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid });
    expect(jwks.keys[0].d).toBeUndefined();
    const { payload } = await jwtVerify(session.access_token, createLocalJWKSet(jwks), {
      issuer: t.config.jwt.issuer,
      audience: t.config.jwt.audience,
    });
    expect(payload).toMatchObject({
      sub: session.user.id,
      sid: expect.any(String),
      jti: expect.any(String),
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
  });

  it('should refuse a token signed with another key under our kid', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect((await me(await sign({ key: other })).expect(401)).body.code).toBe('invalid_token');
  });

  it('should refuse alg: none', async () => {
    const token = `${b64({ alg: 'none', kid })}.${b64({ ...claims(), iss: t.config.jwt.issuer, aud: t.config.jwt.audience, exp: 9999999999 })}.`;
    expect((await me(token).expect(401)).body.code).toBe('invalid_token');
  });

  it('should refuse HS256 keyed with our public key (algorithm confusion)', async () => {
    const publicPem = createPublicKey(ourKey).export({ format: 'pem', type: 'spki' }).toString();
    const head = `${b64({ alg: 'HS256', kid })}.${b64({ ...claims(), iss: t.config.jwt.issuer, aud: t.config.jwt.audience, exp: 9999999999 })}`;
    const token = `${head}.${createHmac('sha256', publicPem).update(head).digest('base64url')}`;
    expect((await me(token).expect(401)).body.code).toBe('invalid_token');
  });

  it('should refuse an expired token', async () => {
    const res = await me(await sign({ exp: Math.floor(Date.now() / 1000) - 10 })).expect(401);
    expect(res.body).toMatchObject({ code: 'invalid_token', message: 'The access token has expired' });
  });

  it('should refuse another issuer', async () => {
    expect((await me(await sign({ iss: 'https://evil.example' })).expect(401)).body.code).toBe('invalid_token');
  });

  it('should refuse another audience', async () => {
    expect((await me(await sign({ aud: 'another-api' })).expect(401)).body.code).toBe('invalid_token');
  });

  it('should type our tokens at+jwt (RFC 9068), so no other JWT we sign can pass for one', async () => {
    const header = JSON.parse(Buffer.from(session.access_token.split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid });
  });

  it.each([
    ['typ JWT', 'JWT'],
    ['no typ', null],
    ["an ID token's typ", 'id_token+jwt'],
    ['typ at+jwt with a suffix', 'at+jwt2'],
  ])('should refuse a token of ours with valid claims but %s: 401 invalid_token', async (_, typ) => {
    const res = await me(await sign({ typ })).expect(401);
    expect(res.body.code).toBe('invalid_token');
  });

  it.each(['application/at+jwt', 'AT+JWT'])('should accept typ %s (media types compare case-insensitively, RFC 9068 §4)', async (typ) => {
    await me(await sign({ typ })).expect(200);
  });

  it('should refuse garbage and a missing scheme', async () => {
    await me('not.a.jwt').expect(401);
    await t.http().get('/users/me').set('authorization', session.access_token).expect(401);
    await t.http().get('/users/me').expect(401);
  });
});
