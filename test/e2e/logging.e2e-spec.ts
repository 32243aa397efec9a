import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { registerRequestLogging } from '../../src/common/logging/request-logging.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { GOOGLE_WEB_CLIENT } from '../support/google-login.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

type Entry = Record<string, unknown> & { reqId?: string; msg?: string; context?: string };

describe(registerRequestLogging.name, () => {
  const google = new FakeGoogle();
  const lines: string[] = [];
  let t: TestApp;

  beforeAll(async () => {
    await google.start();
    const sink = { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) };
    t = await createTestApp(
      {
        LOG_LEVEL: 'trace',
        GOOGLE_CLIENT_IDS: GOOGLE_WEB_CLIENT,
        GOOGLE_TOKENINFO_URL: google.tokeninfoUrl,
        GOOGLE_USERINFO_URL: google.userinfoUrl,
        GOOGLE_JWKS_URL: google.jwksUrl,
      },
      { logDestination: sink },
    );
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
    await google.stop();
  });
  beforeEach(() => {
    lines.length = 0;
    google.reset();
  });

  const entries = (): Entry[] => lines.map((line) => JSON.parse(line) as Entry);
  const completed = () => entries().filter((e) => e.msg === 'request completed');
  const post = (path: string, body: object) => t.http().post(path).send(body);
  const secret = () => randomBytes(18).toString('base64url');

  /** A body that arrives in two packets, so Fastify parses it in later socket callbacks (supertest sends one). */
  const postInTwoParts = (path: string, body: object) =>
    new Promise<number>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false }, (res) => {
        res.resume().on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.flushHeaders();
      setTimeout(() => req.write(payload.slice(0, 10)), 30);
      setTimeout(() => req.end(payload.slice(10)), 60);
    });

  it('should log each request once, as JSON under its request id, with no token, cookie or query anywhere', async () => {
    const idToken = await google.signIdToken({ sub: 'log-1', aud: GOOGLE_WEB_CLIENT, email: 'log-1@gmail.com', email_verified: true });
    const first = (await post('/auth/google/token', { id_token: idToken }).expect(200)).body;
    const providerToken = google.issueAccessToken({ sub: 'log-2', aud: GOOGLE_WEB_CLIENT, email: 'log-2@gmail.com' });
    const second = (await post('/auth/google/token', { access_token: providerToken }).expect(200)).body;
    const rotated = (await post('/auth/refresh', { refresh_token: second.refresh_token }).expect(200)).body;
    const cookie = secret();
    const inQuery = secret();
    await t
      .http()
      .get(`/users/me?access_token=${inQuery}`)
      .set('authorization', `Bearer ${rotated.access_token}`)
      .set('cookie', `sid=${cookie}`)
      .expect(200);
    await post('/auth/logout', { refresh_token: rotated.refresh_token }).expect(204);
    const badToken = `ya29.${secret()}`;
    await post('/auth/google/token', { access_token: badToken }).expect(401);
    google.setFault({ kind: 'status', status: 500 });
    const faultToken = google.issueAccessToken({ sub: 'log-3', aud: GOOGLE_WEB_CLIENT });
    await post('/auth/google/token', { access_token: faultToken }).expect(502);

    const output = lines.join('\n');
    const secrets = [
      idToken,
      providerToken,
      badToken,
      faultToken,
      cookie,
      inQuery,
      first.access_token,
      first.refresh_token,
      second.access_token,
      second.refresh_token,
      rotated.access_token,
      rotated.refresh_token,
    ];
    for (const value of secrets) expect(output).not.toContain(value);
    expect(entries().filter((e) => typeof e.reqId !== 'string')).toEqual([]);
    const requests = completed();
    expect(requests).toHaveLength(7);
    expect(new Set(requests.map((e) => e.reqId)).size).toBe(7);
    expect(requests[3]).toMatchObject({ level: 'info', method: 'GET', url: '/users/me', route: '/users/me', statusCode: 200 });
    expect(requests[3].durationMs).toEqual(expect.any(Number));
    // The provider failure is logged by the error filter, under the id of the request it happened in.
    expect(entries().find((e) => e.context === 'HttpError')).toMatchObject({ level: 'warn', reqId: requests[6].reqId });
  });

  it('should carry the request id onto lines logged inside the handler, after the body was parsed', async () => {
    const providerToken = google.issueAccessToken({ sub: 'log-4', aud: GOOGLE_WEB_CLIENT, email: 'log-4@gmail.com' });
    expect(await postInTwoParts('/auth/google/token', { access_token: providerToken })).toBe(200);
    const [request] = completed();
    const providerCalls = entries().filter((e) => e.context === 'ProviderHttpClient');
    expect(providerCalls).toHaveLength(2);
    for (const call of providerCalls) expect(call.reqId).toBe(request.reqId);
  });

  it('should take a sane X-Request-Id from the caller and echo it', async () => {
    const res = await t.http().get('/.well-known/jwks.json').set('x-request-id', 'lb-7f3a.42').expect(200);
    expect(res.headers['x-request-id']).toBe('lb-7f3a.42');
    expect(completed()).toEqual([expect.objectContaining({ reqId: 'lb-7f3a.42', url: '/.well-known/jwks.json' })]);
  });

  it('should replace an X-Request-Id that is not a short token with a fresh one', async () => {
    for (const unusable of ['a'.repeat(65), 'id with spaces', '<script>']) {
      const res = await t.http().get('/.well-known/jwks.json').set('x-request-id', unusable).expect(200);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(lines.join('\n')).not.toContain('script');
  });

  it('should log requests that never reach a controller too, once each', async () => {
    await t.http().get('/no-such-route').expect(404);
    await t.http().post('/auth/refresh').set('content-type', 'application/json').send('{"refresh_token":').expect(400);
    expect(completed().map((e) => e.statusCode)).toEqual([404, 400]);
  });
});
