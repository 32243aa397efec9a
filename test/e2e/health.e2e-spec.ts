import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { HealthController } from '../../src/health/health.controller.js';
import { freePort } from '../support/app-process.js';
import { eventually } from '../support/eventually.js';
import { notReady } from '../support/health.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe(HealthController.name, () => {
  describe('without Redis', () => {
    let t: TestApp;

    beforeAll(async () => (t = await createTestApp({ REDIS_URL: undefined })));
    afterAll(async () => t?.close());

    it('should answer liveness with 200 and terminus JSON, uncached and without a token', async () => {
      const res = await t.http().get('/health/live').expect(200);

      expect(res.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
      expect(res.headers['cache-control']).toContain('no-store');
    });

    it('should answer readiness with 200 when the database is reachable and migrated, and not check Redis', async () => {
      const res = await t.http().get('/health/ready').expect(200);

      expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } }, error: {} });
      expect(Object.keys(res.body.details)).toEqual(['database']);
    });

    it('should answer 503 naming the database while a migration is pending, and 200 once it has run', async () => {
      await t.dataSource.undoLastMigration();
      try {
        const res = await t.http().get('/health/ready').expect(503);

        expect(res.body).toMatchObject(notReady('database', 'migrations pending'));
        expect((await t.http().get('/health/live')).status).toBe(200);
      } finally {
        await t.dataSource.runMigrations();
      }
      await t.http().get('/health/ready').expect(200);
    });
  });

  describe('with Redis', () => {
    let redis: RedisServer;
    let t: TestApp;
    const ready = () => t.http().get('/health/ready');

    beforeAll(async () => {
      redis = new RedisServer(await freePort());
      await redis.start();
      t = await createTestApp({ REDIS_URL: redis.url });
    });
    afterAll(async () => {
      await t?.close();
      await redis?.stop();
    });

    it('should check Redis with PING and answer 200 while it answers', async () => {
      const res = await ready().expect(200);

      expect(res.body.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    });

    it('should answer 503 naming redis while Redis is down, keep serving what does not need it, and recover', async () => {
      await redis.stop();
      await eventually('readiness fails', async () => (await ready()).status === 503);
      const res = await ready().expect(503);
      expect(res.body).toMatchObject(notReady('redis', 'unreachable'));
      expect(res.body.details.info).toMatchObject({ database: { status: 'up' } });
      await t.http().get('/health/live').expect(200);
      await t.http().get('/.well-known/jwks.json').expect(200);

      await redis.start();
      await eventually('readiness recovers', async () => (await ready()).status === 200);
    });

    it('should answer what needs Redis (the one-time stores) with 503 service_unavailable and Retry-After while it is down', async () => {
      await redis.stop();
      try {
        await eventually('readiness fails', async () => (await ready()).status === 503);
        const res = await t.http().post('/auth/login-code').send({ login_code: 'a-login-code' });
        expect([res.status, res.body.code]).toEqual([503, 'service_unavailable']);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        await redis.start();
      }
      await eventually('readiness recovers', async () => (await ready()).status === 200);
      expect((await t.http().post('/auth/login-code').send({ login_code: 'a-login-code' })).body.code).toBe('invalid_login_code');
    });

    it('should answer 503 within about a second when Redis hangs instead of failing', async () => {
      const admin = new Redis(redis.url);
      await admin.call('CLIENT', 'PAUSE', '3000', 'ALL');
      admin.disconnect();
      try {
        const started = Date.now();
        const res = await ready().expect(503);

        expect(Date.now() - started).toBeLessThan(2500);
        expect(res.body).toMatchObject(notReady('redis', 'timeout of 1000ms exceeded'));
      } finally {
        await eventually('Redis unpaused', async () => (await ready()).status === 200);
      }
    });
  });
});
