import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { startOAuthApp, type OAuthTestApp } from '../oauth-server/oauth-app.js';
import { launchChromium } from './chromium.js';

const REDIRECT = 'https://app.example.test/callback';
/** A real browser and our app on a loaded 2-core machine: generous, never asserted on. */
const BROWSER_TEST_TIMEOUT_MS = 120_000;

/** Our authorization server's pages in Chromium: sign in with our social login (the Dev IdP), consent, back to the app. */
describe('authorization code + PKCE with the consent completed in headless Chromium', () => {
  let t: OAuthTestApp;
  let browser: Browser;
  let config: client.Configuration;

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startOAuthApp();
    const app = await t.register({ name: 'Example App', type: 'confidential', redirectUris: [REDIRECT] });
    config = await t.discover(app.clientId, app.clientSecret);
  }, BROWSER_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it(
    'should sign in, show the consent page by role and name, and return a code openid-client redeems',
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems: string[] = [];
      context.on('weberror', (error) => problems.push(`uncaught: ${error.error().message}`));
      context.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) problems.push(`CSP: ${message.text()}`);
      });
      // The application's own callback page: we only need the URL the browser was sent to.
      let callback: URL | undefined;
      await context.route(`${REDIRECT}**`, async (route) => {
        callback = new URL(route.request().url());
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>back at the app</title>' });
      });
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid profile profile:read',
        state,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });

      await page.goto(url.href);
      await expect(page.getByRole('heading', { name: 'Sign in to continue to Example App' }).isVisible()).resolves.toBe(true);
      await page.getByRole('link', { name: 'Continue with Dev IdP' }).click();
      await page.getByLabel('Username').fill('ada-lovelace');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('heading', { name: /Example App wants to access your account/ }).waitFor();
      // What a person sees, kept by CI beside the demo's screenshot (test-artifacts/).
      await page.screenshot({ path: 'test-artifacts/oauth-consent.png', fullPage: true });
      const consent = await page.locator('main').innerText();
      expect(consent).toContain('Read your profile');
      expect(consent).toContain('See your name, username and picture');
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${REDIRECT}**`);

      expect(callback!.searchParams.get('iss')).toBe(t.url);
      const tokens = await client.authorizationCodeGrant(config, callback!, { pkceCodeVerifier: verifier, expectedState: state });
      await t.http().get('/users/me').set('authorization', `Bearer ${tokens.access_token}`).expect(200);
      expect(problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
