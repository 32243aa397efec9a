import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { freePort } from '../support/app-process.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import { sampleValue } from '../support/prometheus.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const TOKEN = 'metrics-test-token';

describe(MetricsService.name, () => {
  describe('on the API port', () => {
    let t: TestApp;
    let google: FakeGoogle;
    /** The exposition, and one sample of it (0 when the series does not exist yet). */
    const scrape = async () => {
      const text = (await t.http().get('/metrics').expect(200)).text;
      return (name: string, labels: Record<string, string> = {}) => sampleValue(text, name, labels) ?? 0;
    };

    beforeAll(async () => ({ t, google } = await createAppWithGoogle({ METRICS_TOKEN: undefined, METRICS_PORT: undefined })));
    afterAll(async () => {
      await t?.close();
      await google?.stop();
    });

    it('should serve the Prometheus text format with process metrics, without a token when none is configured', async () => {
      const res = await t.http().get('/metrics').expect(200);

      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.text).toContain('# TYPE process_cpu_user_seconds_total counter');
      expect(res.text).toContain('# TYPE nsa_logins_total counter');
      expect(res.text).toContain('# TYPE nsa_login_duration_seconds histogram');
    });

    it('should count and time logins by provider and outcome, and every provider call', async () => {
      const before = await scrape();
      const callsBefore = google.requests.length;
      await loginWithGoogle(t, google, 'metrics-ok');
      const mismatch = google.issueAccessToken({ sub: 'metrics-bad', aud: 'evil-app.apps.googleusercontent.com' });
      await t.http().post('/auth/google/token').send({ access_token: mismatch }).expect(401);
      await t.http().post('/auth/nope/token').send({ access_token: 'x' }).expect(404);
      const after = await scrape();

      const delta = (name: string, labels: Record<string, string> = {}) => after(name, labels) - before(name, labels);
      expect(delta('nsa_logins_total', { provider: 'google', outcome: 'success' })).toBe(1);
      expect(delta('nsa_logins_total', { provider: 'google', outcome: 'provider_token_audience_mismatch' })).toBe(1);
      // An unknown provider is no login: a path value must never become a label.
      expect(after('nsa_logins_total', { provider: 'nope', outcome: 'unknown_provider' })).toBe(0);
      expect(delta('nsa_login_duration_seconds_count', { provider: 'google' })).toBe(2);
      expect(delta('nsa_login_duration_seconds_sum', { provider: 'google' })).toBeGreaterThan(0);
      expect(delta('nsa_provider_request_duration_seconds_count', { provider: 'google', outcome: '2xx' })).toBe(
        google.requests.length - callsBefore,
      );
      expect(google.requests.length - callsBefore).toBeGreaterThan(0);
    });

    it('should count refreshes by outcome, and a reuse once when it ends the session', async () => {
      const before = await scrape();
      const { refresh_token: first } = await loginWithGoogle(t, google, 'metrics-refresh');
      const refresh = (token: string) => t.http().post('/auth/refresh').send({ refresh_token: token });
      const { refresh_token: second } = (await refresh(first).expect(200)).body as { refresh_token: string };
      expect((await refresh(first).expect(401)).body.code).toBe('refresh_token_reused');
      expect((await refresh(second).expect(401)).body.code).toBe('refresh_token_reused');
      const after = await scrape();

      const delta = (name: string, labels: Record<string, string> = {}) => after(name, labels) - before(name, labels);
      expect(delta('nsa_token_refreshes_total', { outcome: 'success' })).toBe(1);
      expect(delta('nsa_token_refreshes_total', { outcome: 'refresh_token_reused' })).toBe(2);
      expect(delta('nsa_refresh_token_reuse_total')).toBe(1);
    });

    it('should time every answered request by method, route pattern and status, with one series for unmatched paths', async () => {
      const before = await scrape();
      await t.http().get('/.well-known/jwks.json').expect(200);
      await t.http().get('/.well-known/jwks.json').expect(200);
      await t.http().post('/auth/path-value-a/token').send({ access_token: 'x' }).expect(404);
      await t.http().get('/users/me').expect(401);
      await t.http().get('/scanner/path-value-b').expect(404);
      await t.http().get('/scanner/path-value-c?x=1').expect(404);
      const text = (await t.http().get('/metrics').expect(200)).text;
      const after = (name: string, labels: Record<string, string>) => sampleValue(text, name, labels) ?? 0;

      const delta = (labels: Record<string, string>) =>
        after('http_request_duration_seconds_count', labels) - before('http_request_duration_seconds_count', labels);
      expect(delta({ method: 'GET', route: '/.well-known/jwks.json', status_code: '200' })).toBe(2);
      expect(delta({ method: 'POST', route: '/auth/:provider/token', status_code: '404' })).toBe(1);
      expect(delta({ method: 'GET', route: '/users/me', status_code: '401' })).toBe(1);
      expect(delta({ method: 'GET', route: 'unmatched', status_code: '404' })).toBe(2);
      expect(after('http_request_duration_seconds_sum', { method: 'GET', route: '/users/me', status_code: '401' })).toBeGreaterThan(0);
      // A path (or query) is never a label value: the series are as many as the routes.
      expect(text).not.toMatch(/path-value|x=1/);
    });

    it('should keep each app its own registry, so apps in one process never share counters', async () => {
      const other = await createTestApp();
      try {
        const text = (await other.http().get('/metrics').expect(200)).text;

        expect((await scrape())('nsa_logins_total', { provider: 'google', outcome: 'success' })).toBeGreaterThan(0);
        expect(sampleValue(text, 'nsa_logins_total', { provider: 'google', outcome: 'success' })).toBeUndefined();
      } finally {
        await other.close();
      }
    });
  });

  describe('with a rate limit', () => {
    let t: TestApp;

    beforeAll(async () => (t = await createTestApp({ RATE_LIMIT_AUTH_PER_IP: '1' })));
    afterAll(async () => t?.close());

    it('should count each 429 by route pattern, never by path', async () => {
      await t.http().get('/auth/google/nonce');
      await t.http().get('/auth/github/nonce').expect(429);
      await t.http().get('/auth/google/nonce').expect(429);
      const text = (await t.http().get('/metrics').expect(200)).text;

      expect(sampleValue(text, 'nsa_rate_limit_rejections_total', { route: '/auth/:provider/nonce' })).toBe(2);
    });
  });

  describe('with METRICS_TOKEN', () => {
    let t: TestApp;

    beforeAll(async () => (t = await createTestApp({ METRICS_TOKEN: TOKEN })));
    afterAll(async () => t?.close());

    it('should answer 401 without the bearer token or with another one, and 200 with it', async () => {
      const res = await t.http().get('/metrics').expect(401);
      expect(res.body).toEqual({ statusCode: 401, code: 'invalid_token', message: 'A valid metrics token is required' });
      await t.http().get('/metrics').set('authorization', `Bearer ${TOKEN}x`).expect(401);
      await t.http().get('/metrics').set('authorization', TOKEN).expect(401);

      const ok = await t.http().get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(200);
      expect(ok.text).toContain('nsa_logins_total');
    });
  });

  describe('with METRICS_PORT', () => {
    let t: TestApp;
    let url: string;

    beforeAll(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      t = await createTestApp({ HOST: '127.0.0.1', METRICS_PORT: String(port), METRICS_TOKEN: TOKEN });
    });
    afterAll(async () => t?.close());

    it('should not serve /metrics on the API port', async () => {
      expect((await t.http().get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(404)).body.code).toBe('not_found');
    });

    it('should serve it on its own port, behind the token, and nothing else there', async () => {
      const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await ok.text()).toContain('# TYPE nsa_token_refreshes_total counter');

      const refused = await fetch(`${url}/metrics`);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ statusCode: 401, code: 'invalid_token' });
      expect((await fetch(`${url}/health/live`)).status).toBe(404);
    });
  });

  describe('with METRICS_PORT, once the app is closed', () => {
    it('should stop listening on the metrics port', async () => {
      const port = await freePort();
      const t = await createTestApp({ HOST: '127.0.0.1', METRICS_PORT: String(port) });
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);

      await t.close();

      await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    });
  });

  describe('with METRICS_ENABLED=false', () => {
    let t: TestApp;

    beforeAll(async () => (t = await createTestApp({ METRICS_ENABLED: 'false' })));
    afterAll(async () => t?.close());

    it('should not serve /metrics at all', async () => {
      await t.http().get('/metrics').expect(404);
    });
  });
});
