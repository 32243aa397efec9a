import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { startOAuthApp, type OAuthTestApp } from '../oauth-server/oauth-app.js';
import { freePort } from '../support/app-process.js';
import { launchChromium } from './chromium.js';

const BROWSER_TEST_TIMEOUT_MS = 120_000;
// Its browser build (the package's exports map does not expose it, so by path).
const OIDC_CLIENT_TS = readFileSync(
  new URL('../../node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js', import.meta.url),
  'utf8',
);

/** A single-page application on its own origin, with a library nobody here wrote: oidc-client-ts (PKCE, CORS, refresh). */
describe('a public SPA client with oidc-client-ts in Chromium', () => {
  let t: OAuthTestApp;
  let browser: Browser;
  let spa: { url: string; close: () => Promise<void> };
  let clientId: string;

  beforeAll(async () => {
    browser = await launchChromium();
    const spaPort = await freePort();
    const spaUrl = `http://127.0.0.1:${spaPort}`;
    // Our API lets the SPA call it (CORS_ORIGINS); /oauth/* answers CORS per client.
    t = await startOAuthApp({ CORS_ORIGINS: spaUrl });
    ({ clientId } = await t.register({
      name: 'Example SPA',
      type: 'public',
      redirectUris: [`${spaUrl}/callback`],
      scopes: ['openid', 'profile', 'offline_access', 'profile:read'],
    }));
    const settings = JSON.stringify({
      authority: t.url,
      client_id: clientId,
      redirect_uri: `${spaUrl}/callback`,
      response_type: 'code',
      scope: 'openid profile profile:read offline_access',
    });
    const page = (
      body: string,
    ) => `<!doctype html><html><head><title>SPA</title><script src="/oidc-client-ts.js"></script></head><body><script>
const manager = new oidc.UserManager({ ...${settings}, userStore: new oidc.WebStorageStateStore({ store: window.localStorage }) });
${body}
</script></body></html>`;
    const server = createServer((req, res) => {
      if (req.url === '/oidc-client-ts.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(OIDC_CLIENT_TS);
      if (req.url?.startsWith('/callback')) {
        return void res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            page(
              `window.signedIn = manager.signinRedirectCallback().then((u) => ({ ok: true, scope: u.scope, hasRefresh: Boolean(u.refresh_token) }), (e) => ({ ok: false, error: String(e) }));`,
            ),
          );
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        page(`
window.signIn = () => manager.signinRedirect();
window.callApi = async () => { const u = await manager.getUser(); const r = await fetch(${JSON.stringify(t.url)} + '/users/me', { headers: { authorization: 'Bearer ' + u.access_token } }); return { status: r.status, body: await r.json() }; };
window.refresh = async () => { const before = await manager.getUser(); const after = await manager.signinSilent(); return { changed: after.access_token !== before.access_token, rotated: after.refresh_token !== before.refresh_token }; };`),
      );
    });
    await new Promise<void>((resolve) => server.listen(spaPort, '127.0.0.1', resolve));
    spa = {
      url: spaUrl,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  }, BROWSER_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await spa?.close();
    await t?.close();
  });

  it(
    'should sign in with PKCE, call our API across origins, and refresh with a rotated refresh token',
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(spa.url);
      // signinRedirect navigates away: started, not awaited.
      await page.evaluate(() => void (globalThis as unknown as { signIn: () => Promise<void> }).signIn());
      await page.getByRole('link', { name: 'Continue with Dev IdP' }).click();
      await page.getByLabel('Username').fill('spa-user');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${spa.url}/callback**`);
      const signedIn = await page.evaluate(
        () =>
          (globalThis as unknown as { signedIn: Promise<{ ok: boolean; scope: string; hasRefresh: boolean; error?: string }> }).signedIn,
      );
      expect(signedIn).toMatchObject({ ok: true, hasRefresh: true });
      // Back to the app's page: the user (tokens) is in its localStorage.
      await page.goto(spa.url);
      const api = await page.evaluate(() =>
        (globalThis as unknown as { callApi: () => Promise<{ status: number; body: { username: string } }> }).callApi(),
      );
      expect(api.status).toBe(200);
      const refreshed = await page.evaluate(() =>
        (globalThis as unknown as { refresh: () => Promise<{ changed: boolean; rotated: boolean }> }).refresh(),
      );
      expect(refreshed).toEqual({ changed: true, rotated: true });
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
