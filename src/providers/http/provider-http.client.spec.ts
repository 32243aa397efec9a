import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppError } from '../../common/errors/app-error.js';
import { loadConfig } from '../../config/app-config.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { ProviderHttpClient } from './provider-http.client.js';

const send = (res: ServerResponse, status: number, contentType: string, body: string) =>
  res.writeHead(status, { 'content-type': contentType }).end(body);

/** 10 MB of valid JSON, built once (building it per request can outlast the timeout on a busy machine). */
const HUGE = Buffer.from(JSON.stringify({ padding: 'x'.repeat(10 * 1024 * 1024) }));

/** A provider with one misbehaviour per path. */
const timers = new Set<NodeJS.Timeout>();
const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  '/ok': (_req, res) => send(res, 200, 'application/json; charset=utf-8', '{"sub":"123","email":"ann@example.com"}'),
  '/echo': (req, res, body) =>
    send(res, 200, 'application/json', JSON.stringify({ method: req.method, contentType: req.headers['content-type'], body })),
  '/rejected': (_req, res) => send(res, 401, 'application/problem+json', '{"error":"invalid_token"}'),
  '/down': (_req, res) => send(res, 503, 'application/json', '{"error":"maintenance"}'),
  '/rate-limited': (_req, res) => send(res, 429, 'application/json', '{"error":"slow down"}'),
  '/html': (_req, res) => send(res, 200, 'text/html', '<html><body>Login</body></html>'),
  '/malformed': (_req, res) => send(res, 200, 'application/json', '{"sub": "123",'),
  // 10 MB of valid JSON, announced by Content-Length or streamed in chunks without one.
  '/huge': (_req, res) => {
    res.on('error', () => undefined);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': HUGE.length }).end(HUGE);
  },
  '/huge-chunked': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"padding":"');
    const chunk = 'x'.repeat(64 * 1024);
    let sent = 0;
    const more = () => {
      while (sent < 10 * 1024 * 1024 && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      if (!res.destroyed) res.end('"}');
    };
    res.on('error', () => undefined);
    more();
  },
  '/cached': (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=120' }).end('{"keys":[]}'),
  '/slow': (_req, res) => {
    const timer = setTimeout(() => send(res, 200, 'application/json', '{}'), 5000);
    timers.add(timer);
  },
};

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Rejection of `promise`, to assert on; fails the test when it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  const outcome = await promise.then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof AppError)) throw outcome;
  return outcome;
}

describe(ProviderHttpClient.name, () => {
  let server: Server;
  let baseUrl: string;
  let refusingUrl: string;
  const metrics = new MetricsService();
  const sut = new ProviderHttpClient(loadConfig({ NODE_ENV: 'test', PROVIDER_TIMEOUT_MS: '1000' }), metrics);

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const route = routes[req.url ?? ''];
        if (route) route(req, res, body);
        else send(res, 404, 'application/json', '{}');
      });
    });
    baseUrl = await listen(server);
    // A port that was just free: nothing listens there any more, so connecting is refused.
    const gone = createServer();
    refusingUrl = await listen(gone);
    await close(gone);
  });

  afterAll(async () => {
    for (const timer of timers) clearTimeout(timer);
    await sut.onModuleDestroy();
    await close(server);
  });

  describe('send', () => {
    it('should return the status and parsed body of a JSON answer', async () => {
      await expect(sut.send('google', { url: `${baseUrl}/ok` })).resolves.toEqual({
        status: 200,
        json: { sub: '123', email: 'ann@example.com' },
      });
    });

    it('should send an object body as JSON', async () => {
      const { json } = await sut.send('github', { method: 'POST', url: `${baseUrl}/echo`, body: { access_token: 'gho_x' } });

      expect(json).toEqual({ method: 'POST', contentType: 'application/json', body: '{"access_token":"gho_x"}' });
    });

    it('should return a 4xx JSON answer for the caller to read', async () => {
      await expect(sut.send('google', { url: `${baseUrl}/rejected` })).resolves.toEqual({ status: 401, json: { error: 'invalid_token' } });
    });

    it('should fail with provider_unavailable on a 503', async () => {
      expect(await failureOf(sut.send('google', { url: `${baseUrl}/down` }))).toMatchObject({ code: 'provider_unavailable', status: 502 });
    });

    it('should fail with provider_unavailable on a 429', async () => {
      expect(await failureOf(sut.send('google', { url: `${baseUrl}/rate-limited` }))).toMatchObject({ code: 'provider_unavailable' });
    });

    it('should fail with provider_unavailable on an HTML answer', async () => {
      const error = await failureOf(sut.send('google', { url: `${baseUrl}/html` }));

      expect(error).toMatchObject({ code: 'provider_unavailable', message: 'google answered 200, not with JSON' });
    });

    it('should fail with provider_unavailable on malformed JSON', async () => {
      const error = await failureOf(sut.send('google', { url: `${baseUrl}/malformed` }));

      expect(error).toMatchObject({ code: 'provider_unavailable', message: 'google answered malformed JSON' });
    });

    it('should refuse an answer whose Content-Length is above PROVIDER_MAX_RESPONSE_BYTES', async () => {
      const error = await failureOf(sut.send('google', { url: `${baseUrl}/huge` }));

      expect(error).toMatchObject({ code: 'provider_unavailable', status: 502, message: 'google answered more than we accept' });
    });

    it('should abandon a chunked answer without Content-Length once it passes PROVIDER_MAX_RESPONSE_BYTES', async () => {
      const error = await failureOf(sut.send('google', { url: `${baseUrl}/huge-chunked` }));

      expect(error).toMatchObject({ code: 'provider_unavailable', status: 502, message: 'google answered more than we accept' });
    });

    it('should refuse at boot a PROVIDER_MAX_RESPONSE_BYTES that is no whole number between 16 KiB and 64 MiB', () => {
      for (const value of ['1mb', '100', String(65 * 1024 * 1024)]) {
        expect(() => loadConfig({ NODE_ENV: 'test', PROVIDER_MAX_RESPONSE_BYTES: value })).toThrow(/PROVIDER_MAX_RESPONSE_BYTES/);
      }
      expect(loadConfig({ NODE_ENV: 'test' }).providers.maxResponseBytes).toBe(1024 * 1024);
    });

    it('should read an answer up to PROVIDER_MAX_RESPONSE_BYTES', async () => {
      const small = new ProviderHttpClient(
        loadConfig({ NODE_ENV: 'test', PROVIDER_MAX_RESPONSE_BYTES: String(11 * 1024 * 1024) }),
        metrics,
      );
      try {
        const { json } = await small.send('google', { url: `${baseUrl}/huge-chunked` });

        expect((json as { padding: string }).padding).toHaveLength(10 * 1024 * 1024);
      } finally {
        await small.onModuleDestroy();
      }
    });

    it("should hand the caller the answer's Cache-Control", async () => {
      await expect(sut.send('google', { url: `${baseUrl}/cached` })).resolves.toEqual({
        status: 200,
        json: { keys: [] },
        cacheControl: 'public, max-age=120',
      });
    });

    it('should fail with provider_timeout when the provider is slower than PROVIDER_TIMEOUT_MS', async () => {
      const error = await failureOf(sut.send('google', { url: `${baseUrl}/slow` }));

      expect(error).toMatchObject({ code: 'provider_timeout', status: 504, message: 'google did not answer within 1000 ms' });
    });

    it('should fail with provider_unavailable when the connection is refused', async () => {
      const error = await failureOf(sut.send('google', { url: `${refusingUrl}/ok` }));

      expect(error).toMatchObject({ code: 'provider_unavailable', message: 'google could not be reached' });
    });

    it('should time every call by status class, or as timeout or unavailable when there is no answer', async () => {
      const before = await callsByOutcome(metrics);
      await sut.send('facebook', { url: `${baseUrl}/ok` });
      await sut.send('facebook', { url: `${baseUrl}/rejected` });
      await failureOf(sut.send('facebook', { url: `${baseUrl}/down` }));
      await failureOf(sut.send('facebook', { url: `${baseUrl}/slow` }));
      await failureOf(sut.send('facebook', { url: `${refusingUrl}/ok` }));

      expect(before).toEqual({});
      expect(await callsByOutcome(metrics)).toEqual({ '2xx': 1, '4xx': 1, '5xx': 1, timeout: 1, unavailable: 1 });
    });
  });
});

/** `nsa_provider_request_duration_seconds` observation counts of the `facebook` provider, by outcome. */
async function callsByOutcome(metrics: MetricsService): Promise<Record<string, number>> {
  const text = await metrics.registry.getSingleMetricAsString('nsa_provider_request_duration_seconds');
  const counts = text.matchAll(/^nsa_provider_request_duration_seconds_count\{provider="facebook",outcome="([^"]+)"\} (\d+)$/gm);
  return Object.fromEntries([...counts].map(([, outcome, n]) => [outcome, Number(n)]));
}
