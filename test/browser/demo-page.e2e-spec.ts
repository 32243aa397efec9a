import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerDemo } from '../../src/demo/demo.routes.js';
import { createTestApp, PRODUCTION_TEST_ENV, type TestApp } from '../support/test-app.js';

describe(registerDemo.name, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ DEMO_ENABLED: 'true' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should serve the page with a CSP that allows scripts from this origin only and no inline script, uncached', async () => {
    const res = await t.http().get('/demo').expect(200);

    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const csp = Object.fromEntries(
      String(res.headers['content-security-policy'])
        .split(';')
        .map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(csp).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'connect-src': "'self'",
      'style-src': expect.stringMatching(/^'sha256-[^']+'$/),
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
    // Its sign-in popup must keep `window.opener` to hand the login code back.
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin-allow-popups');
    expect(res.text).toContain('<script src="/demo/app.js" defer></script>');
    expect(res.text).not.toMatch(/<script>|<script [^>]*>[^<]/);
  });

  it('should serve its script as JavaScript', async () => {
    const res = await t.http().get('/demo/app.js').expect(200);

    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.text).toContain("'/auth/login-code'");
  });

  it('should not exist in production unless DEMO_ENABLED', async () => {
    const production = await createTestApp(PRODUCTION_TEST_ENV);
    try {
      await production.http().get('/demo').expect(404);
      await production.http().get('/demo/app.js').expect(404);
    } finally {
      await production.close();
    }
  });
});
