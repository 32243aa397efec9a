import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerHelmet } from '../../src/common/security/helmet.js';
import { createTestApp, PRODUCTION_TEST_ENV, type TestApp } from '../support/test-app.js';

describe(registerHelmet.name, () => {
  let t: TestApp;
  let production: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    production = await createTestApp(PRODUCTION_TEST_ENV);
  });
  afterAll(async () => {
    await t?.close();
    await production?.close();
  });

  it('should send the headers of a JSON API that nothing may render, frame or load from', async () => {
    const res = await t.http().get('/.well-known/jwks.json').expect(200);

    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('should send them on errors answered before any controller too', async () => {
    const res = await t.http().get('/no-such-route').expect(404);

    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('should send HSTS in production only', async () => {
    expect((await t.http().get('/.well-known/jwks.json')).headers['strict-transport-security']).toBeUndefined();

    const res = await production.http().get('/.well-known/jwks.json').expect(200);

    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });
});
