import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { notReady } from '../support/health.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { createTestApp, TEST_DATABASE_URL, type TestApp } from '../support/test-app.js';

// The database going away for real needs a server to take away: PostgreSQL, behind a proxy the test cuts.
describe('readiness with PostgreSQL that becomes unreachable', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  const ready = () => t.http().get('/health/ready');

  beforeAll(async () => {
    const target = new URL(TEST_DATABASE_URL!);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const throughProxy = new URL(TEST_DATABASE_URL!);
    throughProxy.host = `127.0.0.1:${proxy.port}`;
    t = await createTestApp({ DATABASE_URL: throughProxy.toString(), REDIS_URL: undefined });
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.stop();
  });

  it('should answer 503 naming the database while it is unreachable, keep liveness, and recover', async () => {
    await ready().expect(200);

    proxy.cut();
    await eventually('readiness fails', async () => (await ready()).status === 503);
    const started = Date.now();
    const res = await ready().expect(503);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.body).toMatchObject(notReady('database', 'unreachable'));
    await t.http().get('/health/live').expect(200);

    proxy.restore();
    await eventually('readiness recovers', async () => (await ready()).status === 200);
  });
});
