import { request as httpRequest } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { GracefulFastifyAdapter } from '../../src/common/shutdown/graceful-fastify.adapter.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { GOOGLE_WEB_CLIENT } from '../support/google-login.js';
import { createTestApp, TEST_REDIS_URL, type TestApp } from '../support/test-app.js';

/** `app.close()` is what SIGTERM runs (`exitOnSignals()`), without ending the test process. */
describe(GracefulFastifyAdapter.name, () => {
  const google = new FakeGoogle();
  let t: TestApp | undefined;

  beforeAll(() => google.start());
  afterEach(async () => {
    google.reset();
    await t?.close();
  });
  afterAll(() => google.stop());

  async function listeningApp(env: Record<string, string>, logDestination?: { write(line: string): void }): Promise<number> {
    t = await createTestApp(
      { GOOGLE_CLIENT_IDS: GOOGLE_WEB_CLIENT, GOOGLE_TOKENINFO_URL: google.tokeninfoUrl, GOOGLE_USERINFO_URL: google.userinfoUrl, ...env },
      { logDestination },
    );
    await t.app.listen(0, '127.0.0.1');
    return (t.app.getHttpServer().address() as AddressInfo).port;
  }

  /** A Google access-token login on its own connection: two provider calls (tokeninfo, userinfo), then the database. */
  const login = (port: number) =>
    new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
      const payload = JSON.stringify({
        access_token: google.issueAccessToken({ sub: 'drain-1', aud: GOOGLE_WEB_CLIENT, email: 'drain-1@gmail.com' }),
      });
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/auth/google/token',
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res
            .setEncoding('utf8')
            .on('data', (chunk: string) => (text += chunk))
            .on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject).end(payload);
    });

  /** Closes the app as SIGTERM would; afterEach then has nothing left to close. */
  function close(): Promise<void> {
    const app = t!;
    t = undefined;
    return app.close();
  }

  const connect = (port: number) =>
    new Promise<string>((resolve) => {
      const socket = netConnect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });

  async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; !(await condition()); await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
    }
  }

  it('should finish a request in flight, refusing new connections meanwhile, and close the database after it', async () => {
    const port = await listeningApp({ SHUTDOWN_TIMEOUT_MS: '10000' });
    google.setFault({ kind: 'slow', delayMs: 400 });
    let settled = false;
    const inFlight = login(port).finally(() => (settled = true));
    await until(() => google.requests.length === 1);

    const { dataSource } = t!;
    const closing = close();
    await until(async () => (await connect(port)) === 'ECONNREFUSED');
    expect(settled).toBe(false);

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
    expect(google.requests.map((r) => r.path)).toEqual(['/tokeninfo', '/v1/userinfo']);
    await closing;
    expect(dataSource.isInitialized).toBe(false);
  });

  it('should cut a request still running after SHUTDOWN_TIMEOUT_MS', async () => {
    const port = await listeningApp({ SHUTDOWN_TIMEOUT_MS: '200', PROVIDER_TIMEOUT_MS: '5000' });
    google.setFault({ kind: 'slow', delayMs: 2000 });
    const inFlight = login(port).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await until(() => google.requests.length === 1);

    const started = Date.now();
    const closing = close();

    expect(await inFlight).toBe('ECONNRESET');
    expect(Date.now() - started).toBeLessThan(1000);
    await closing;
  });

  it('should say in the log when HTTP, then the database and Redis (when configured) are closed', async () => {
    const lines: string[] = [];
    await listeningApp({ LOG_LEVEL: 'info' }, { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) });
    await close();

    const closed = lines.map((line) => String((JSON.parse(line) as { msg?: unknown }).msg)).filter((msg) => / closed/.test(msg));
    expect(closed[0]).toMatch(/^HTTP closed in \d+ ms$/);
    // The stores close in Nest's last step (onApplicationShutdown), in no promised order between them.
    expect(closed.slice(1).sort()).toEqual([
      expect.stringMatching(/^Database closed \((PostgreSQL|SQLite)\)$/),
      ...(TEST_REDIS_URL ? ['Redis closed'] : []),
    ]);
  });
});
