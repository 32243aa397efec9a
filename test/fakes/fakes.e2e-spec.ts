/**
 * Checks that the fakes answer like the documented provider APIs (success and error shapes), and that
 * every fault kind reaches a real HTTP client (Node's global fetch).
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { FakeFacebook, FakeGitHub, FakeGoogle } from './index.js';

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

describe(FakeGoogle.name, () => {
  const google = new FakeGoogle();
  const base = { sub: '1001', aud: 'web-client', email: 'ada@example.com', emailVerified: true, name: 'Ada L', givenName: 'Ada' };
  beforeAll(() => google.start());
  afterAll(() => google.stop());
  afterEach(() => google.reset());

  const verify = async (token: string) => {
    const jwks = createLocalJWKSet((await get(google.jwksUrl)).json as JSONWebKeySet);
    return jwtVerify(token, jwks, { issuer: google.issuer, audience: 'web-client', algorithms: ['RS256'] });
  };

  it('should answer tokeninfo with string-typed exp and email_verified', async () => {
    const token = google.issueAccessToken({ ...base, emailVerified: false });
    const { status, json } = await get(`${google.tokeninfoUrl}?access_token=${token}`);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      aud: 'web-client',
      azp: 'web-client',
      sub: '1001',
      email: 'ada@example.com',
      email_verified: 'false',
      access_type: 'online',
    });
    expect(json.exp).toMatch(/^\d+$/);
    expect(json.expires_in).toMatch(/^\d+$/);
    expect(json.scope).toContain('openid');
  });

  it('should omit email fields from tokeninfo when the token has no email', async () => {
    const { json } = await get(`${google.tokeninfoUrl}?access_token=${google.issueAccessToken({ sub: '1', aud: 'a' })}`);
    expect(json).not.toHaveProperty('email');
    expect(json).not.toHaveProperty('email_verified');
  });

  it('should reject unknown and expired tokens at tokeninfo with 400 invalid_token', async () => {
    const expired = google.issueAccessToken({ ...base, expiresIn: -1 });
    for (const token of ['nope', expired]) {
      const { status, json } = await get(`${google.tokeninfoUrl}?access_token=${token}`);
      expect(status).toBe(400);
      expect(json).toEqual({ error: 'invalid_token', error_description: 'Invalid Value' });
    }
  });

  it('should answer userinfo with a boolean email_verified for a bearer token', async () => {
    const token = google.issueAccessToken({ ...base, hd: 'example.com' });
    const { status, json } = await get(google.userinfoUrl, { authorization: `Bearer ${token}` });
    expect(status).toBe(200);
    expect(json).toEqual({
      sub: '1001',
      name: 'Ada L',
      given_name: 'Ada',
      email: 'ada@example.com',
      email_verified: true,
      hd: 'example.com',
    });
  });

  it('should answer userinfo 401 with a WWW-Authenticate challenge for missing or unknown tokens', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }] as Array<Record<string, string>>) {
      const { status, headers: h, json } = await get(google.userinfoUrl, headers);
      expect(status).toBe(401);
      expect(h.get('www-authenticate')).toContain('error="invalid_token"');
      expect(json).toEqual({ error: 'invalid_request', error_description: 'Invalid Credentials' });
    }
  });

  it('should serve a cacheable RS256 JWKS and count the fetches', async () => {
    const { headers, json } = await get(google.jwksUrl);
    expect(headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    expect(json.keys).toEqual([expect.objectContaining({ kty: 'RSA', kid: google.currentKid, use: 'sig', alg: 'RS256', e: 'AQAB' })]);
    expect(json.keys[0]).not.toHaveProperty('d');
    expect(google.jwksFetchCount).toBe(1);
  });

  it('should sign ID tokens that verify against its JWKS with defaulted iss, iat and exp', async () => {
    const { payload, protectedHeader } = await verify(await google.signIdToken({ aud: 'web-client', sub: '1001', nonce: 'n1' }));
    expect(payload).toMatchObject({ iss: 'https://accounts.google.com', sub: '1001', nonce: 'n1' });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: google.currentKid, typ: 'JWT' });
  });

  it('should keep the old key published after rotateKey unless dropOld', async () => {
    const oldToken = await google.signIdToken({ aud: 'web-client', sub: '1' });
    const oldKid = google.currentKid;
    const newKid = google.rotateKey();
    expect(google.currentKid).toBe(newKid);
    await expect(verify(oldToken)).resolves.toBeDefined();
    google.rotateKey({ dropOld: true });
    expect((await get(google.jwksUrl)).json.keys.map((k: { kid: string }) => k.kid)).not.toContain(oldKid);
    await expect(verify(oldToken)).rejects.toThrow();
  });

  it('should make forged ID tokens that a strict verifier rejects', async () => {
    const claims = { aud: 'web-client', sub: '1001' };
    const unsigned = await google.makeUnsignedIdToken(claims);
    expect(unsigned.endsWith('.')).toBe(true);
    expect(JSON.parse(Buffer.from(unsigned.split('.')[0], 'base64url').toString())).toMatchObject({ alg: 'none' });
    const forged = [
      unsigned,
      await google.signWithForeignKey(claims),
      await google.signIdToken(claims, { kid: 'unknown-kid' }),
      await google.signWithPublicKeyAsHmacSecret(claims),
    ];
    for (const token of forged) await expect(verify(token)).rejects.toThrow();
  });
});

describe(FakeFacebook.name, () => {
  const fb = new FakeFacebook({ appId: 'app1', appSecret: 's3cret' });
  const proof = (token: string) => createHmac('sha256', 's3cret').update(token).digest('hex');
  const debug = (token: string, appToken = 'app1|s3cret', base = fb.graphUrl) =>
    get(`${base}/debug_token?input_token=${token}&access_token=${encodeURIComponent(appToken)}`);
  beforeAll(() => fb.start());
  afterAll(() => fb.stop());
  afterEach(() => fb.reset());

  it('should reject a wrong app token at debug_token with 400 OAuthException 190', async () => {
    const { status, json } = await debug('x', 'app1|wrong');
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ message: 'Invalid OAuth access token signature.', type: 'OAuthException', code: 190 });
    expect(json.error.fbtrace_id).toEqual(expect.any(String));
  });

  it('should describe a valid token at debug_token, with or without the version prefix', async () => {
    const token = fb.issueAccessToken({ userId: '42' });
    for (const base of [fb.graphUrl, fb.baseUrl]) {
      const { status, json } = await debug(token, undefined, base);
      expect(status).toBe(200);
      expect(json.data).toMatchObject({ app_id: 'app1', type: 'USER', is_valid: true, user_id: '42', scopes: ['email', 'public_profile'] });
      expect(json.data.expires_at).toBeGreaterThan(Date.now() / 1000);
    }
    expect(fb.requests.map((r) => r.path)).toEqual(['/v21.0/debug_token', '/debug_token']);
  });

  it('should answer 200 is_valid=false for unknown or invalidated tokens, and report another app id', async () => {
    for (const token of ['nope', fb.issueAccessToken({ userId: '1', valid: false })]) {
      const { status, json } = await debug(token);
      expect(status).toBe(200);
      expect(json).toEqual({
        data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token.', subcode: 0 }, scopes: [] },
      });
    }
    expect((await debug(fb.issueAccessToken({ userId: '1', appId: 'other' }))).json.data.app_id).toBe('other');
  });

  it('should answer /me with only the requested fields when appsecret_proof is right', async () => {
    const token = fb.issueAccessToken({ userId: '42', name: 'Ada L', firstName: 'Ada', pictureUrl: 'https://pics/42.jpg' });
    const { status, json } = await get(`${fb.graphUrl}/me?fields=id,name,email,first_name,picture&appsecret_proof=${proof(token)}`, {
      authorization: `Bearer ${token}`,
    });
    expect(status).toBe(200);
    expect(json).toEqual({
      id: '42',
      name: 'Ada L',
      first_name: 'Ada',
      picture: { data: { url: 'https://pics/42.jpg', height: 50, width: 50, is_silhouette: false } },
    });
  });

  it('should reject /me without, or with a wrong, appsecret_proof and with an unknown token', async () => {
    const token = fb.issueAccessToken({ userId: '42', email: 'a@b.c' });
    const missing = await get(`${fb.graphUrl}/me?fields=id&access_token=${token}`);
    expect([missing.status, missing.json.error.code, missing.json.error.type]).toEqual([400, 100, 'GraphMethodException']);
    expect(missing.json.error.message).toBe('API calls from the server require an appsecret_proof argument');
    const wrong = await get(`${fb.graphUrl}/me?fields=id&access_token=${token}&appsecret_proof=${proof('other')}`);
    expect([wrong.status, wrong.json.error.message]).toEqual([400, 'Invalid appsecret_proof provided in the API argument']);
    const unknown = await get(`${fb.graphUrl}/me?fields=id&access_token=nope&appsecret_proof=${proof('nope')}`);
    expect([unknown.status, unknown.json.error.code, unknown.json.error.type]).toEqual([400, 190, 'OAuthException']);
  });
});

describe(FakeGitHub.name, () => {
  const gh = new FakeGitHub({
    clients: [
      { clientId: 'c1', clientSecret: 'cs1' },
      { clientId: 'c2', clientSecret: 'cs2' },
    ],
  });
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const check = async (clientId: string, auth: string, body: unknown) => {
    const res = await fetch(`${gh.apiUrl}/applications/${clientId}/token`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const user = {
    clientId: 'c1',
    id: 7,
    login: 'ada',
    name: 'Ada',
    emails: [{ email: 'ada@x.io', primary: true, verified: true, visibility: 'public' as const }],
  };
  beforeAll(() => gh.start());
  afterAll(() => gh.stop());
  afterEach(() => gh.reset());

  it('should check a token of the right client with 200 and the token owner', async () => {
    const token = gh.issueAccessToken(user);
    expect(token).toMatch(/^gho_/);
    const { status, json } = await check('c1', basic('c1', 'cs1'), { access_token: token });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      token,
      token_last_eight: token.slice(-8),
      scopes: ['read:user', 'user:email'],
      app: { client_id: 'c1' },
      expires_at: null,
    });
    expect(json.user).toMatchObject({ login: 'ada', id: 7, type: 'User', site_admin: false });
  });

  it('should answer 401, 404 and 422 at the token check as GitHub does', async () => {
    const token = gh.issueAccessToken(user);
    const bad = await check('c1', basic('c1', 'wrong'), { access_token: token });
    expect(bad).toEqual({ status: 401, json: { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' } });
    const otherClient = await check('c2', basic('c2', 'cs2'), { access_token: token });
    expect([otherClient.status, otherClient.json.message]).toEqual([404, 'Not Found']);
    expect(otherClient.json.documentation_url).toBe('https://docs.github.com/rest/apps/oauth-applications#check-a-token');
    const missing = await check('c1', basic('c1', 'cs1'), {});
    expect([missing.status, missing.json.message]).toEqual([422, 'Invalid request.']);
  });

  it('should answer /user for Bearer and token schemes, and 401 Bad credentials otherwise', async () => {
    const token = gh.issueAccessToken(user);
    for (const scheme of ['Bearer', 'token']) {
      const { status, json } = await get(`${gh.apiUrl}/user`, { authorization: `${scheme} ${token}` });
      expect(status).toBe(200);
      expect(json).toMatchObject({ login: 'ada', id: 7, name: 'Ada', email: 'ada@x.io', type: 'User', node_id: expect.any(String) });
    }
    const bad = await get(`${gh.apiUrl}/user`, { authorization: 'Bearer gho_nope' });
    expect(bad).toMatchObject({ status: 401, json: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } });
  });

  it('should list emails only with the user:email scope', async () => {
    const withScope = await get(`${gh.apiUrl}/user/emails`, { authorization: `Bearer ${gh.issueAccessToken(user)}` });
    expect(withScope.json).toEqual([{ email: 'ada@x.io', primary: true, verified: true, visibility: 'public' }]);
    const without = await get(`${gh.apiUrl}/user/emails`, {
      authorization: `Bearer ${gh.issueAccessToken({ ...user, scopes: ['read:user'] })}`,
    });
    expect([without.status, without.json.message]).toEqual([404, 'Not Found']);
  });
});

describe('FakeProviderServer faults', () => {
  const gh = new FakeGitHub({ clients: [] });
  beforeAll(() => gh.start());
  afterAll(() => gh.stop());
  afterEach(() => gh.reset());

  it('should delay answers in slow mode, then answer normally', async () => {
    gh.setFault({ kind: 'slow', delayMs: 120 });
    const started = Date.now();
    expect((await get(`${gh.apiUrl}/user`)).status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('should answer an injected status on every route', async () => {
    gh.setFault({ kind: 'status', status: 503 });
    expect((await fetch(`${gh.apiUrl}/user`)).status).toBe(503);
    gh.setFault({ kind: 'status', status: 429, body: 'slow down' });
    const res = await fetch(`${gh.apiUrl}/user/emails`);
    expect([res.status, await res.text()]).toEqual([429, 'slow down']);
  });

  it('should send truncated JSON and HTML bodies', async () => {
    gh.setFault({ kind: 'malformed-json' });
    const broken = await fetch(`${gh.apiUrl}/user`);
    expect(broken.headers.get('content-type')).toContain('application/json');
    await expect(broken.json()).rejects.toThrow(/JSON/); // a SyntaxError from another realm: match the message
    gh.setFault({ kind: 'wrong-content-type' });
    const html = await fetch(`${gh.apiUrl}/user`);
    expect([html.status, html.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
  });

  it('should drop the connection so that fetch fails', async () => {
    gh.setFault({ kind: 'drop-connection' });
    await expect(fetch(`${gh.apiUrl}/user`)).rejects.toThrow('fetch failed');
  });

  it('should cut a slow answer short on stop without leaving its timer behind', async () => {
    const slow = new FakeGoogle();
    await slow.start();
    slow.setFault({ kind: 'slow', delayMs: 60_000 });
    const pending = fetch(slow.jwksUrl);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await slow.stop(); // would hang (and keep jest alive) if the timer or socket survived
    await expect(pending).rejects.toThrow('fetch failed');
  });

  it('should limit a fault to its path prefix and record every request', async () => {
    gh.setFault({ kind: 'status', status: 503, path: '/user/emails' });
    expect((await fetch(`${gh.apiUrl}/user?x=1`)).status).toBe(401);
    expect((await fetch(`${gh.apiUrl}/user/emails`)).status).toBe(503);
    expect(gh.requests.map((r) => [r.method, r.path, r.query.get('x')])).toEqual([
      ['GET', '/user', '1'],
      ['GET', '/user/emails', null],
    ]);
    expect((await get(`${gh.apiUrl}/nowhere`)).status).toBe(404);
  });
});
