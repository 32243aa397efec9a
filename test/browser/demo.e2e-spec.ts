import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { registerDemo } from '../../src/demo/demo.routes.js';
import { startAppWithDevIdp, type ListeningApp } from '../dev-idp/dev-idp-app.js';
import { launchChromium } from './chromium.js';

/** CI keeps this folder as its artifacts. */
const SCREENSHOT = 'test-artifacts/demo-signed-in.png';
/** A real browser, a real OpenID provider and our app on a loaded 2-core machine: generous, never asserted on. */
const BROWSER_TEST_TIMEOUT_MS = 120_000;

describe(`${registerDemo.name} in Chromium, signing in with the dev IdP`, () => {
  let t: ListeningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** What would show a broken page: CSP violations and uncaught script errors. */
  let problems: string[];

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startAppWithDevIdp();
  }, BROWSER_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    await context?.close();
    context = await browser.newContext();
    page = await context.newPage();
    problems = [];
    context.on('weberror', (error) => problems.push(`uncaught: ${error.error().message}`));
    context.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) problems.push(`CSP: ${message.text()}`);
    });
  });

  const text = async (testId: string) => (await page.getByTestId(testId).textContent())?.trim();

  /** The Dev IdP's form, wherever it opened (this page, or the popup). */
  async function signInAtDevIdp(at: Page, username: string): Promise<void> {
    await at.getByLabel('Username').fill(username);
    await at.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** Refresh shows another access token and says so; Log out ends the session at the API and shows the signed-out state. */
  async function refreshThenLogOut(): Promise<void> {
    const before = await text('token-id');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByTestId('status').filter({ hasText: 'Refreshed' }).waitFor();
    expect(await text('token-id')).not.toBe(before);
    expect(await text('expires-at')).toMatch(/\d/);
    expect(await text('status')).toBe(
      `Refreshed: access token ${before} replaced by ${await text('token-id')}, expiring at ${await text('expires-at')}. The old refresh token no longer works.`,
    );
    expect(await page.getByTestId('error').isHidden()).toBe(true);

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.getByTestId('signed-out').waitFor({ state: 'visible' });
    await page.getByTestId('status').filter({ hasText: 'Signed out' }).waitFor();
    expect(await text('status')).toMatch(
      /^Signed out: this session ended at the API \(POST \/auth\/logout\)\. The refresh token is gone from this tab\. The old access token still works until it expires at /,
    );
    expect(await page.getByTestId('signed-in').isHidden()).toBe(true);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  }

  it(
    'should list the providers that have the redirect flow, and show an error handed back in the fragment with its code',
    async () => {
      await page.goto(`${t.url}/demo#error=access_denied&error_description=The%20user%20cancelled`);

      await page.getByTestId('error').waitFor({ state: 'visible' });
      expect(await text('error')).toBe('access_denied: The user cancelled');
      expect(page.url()).toBe(`${t.url}/demo`);
      await page.getByRole('button', { name: 'Sign in with Dev IdP (popup)' }).waitFor();
      expect(await page.getByTestId('providers').getByRole('button').allTextContents()).toEqual([
        'Sign in with Dev IdP',
        'Sign in with Dev IdP (popup)',
      ]);
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    'should sign in with the redirect flow, show the user, refresh and log out',
    async () => {
      await page.goto(`${t.url}/demo`);
      await page.getByRole('button', { name: 'Sign in with Dev IdP', exact: true }).click();
      await signInAtDevIdp(page, 'Ada Lovelace');

      await page.getByTestId('signed-in').waitFor({ state: 'visible' });
      expect(await text('user-name')).toBe('Ada Lovelace');
      expect(page.url()).toBe(`${t.url}/demo`);
      expect(JSON.parse((await text('me'))!)).toMatchObject({
        name: 'Ada Lovelace',
        username: 'ada-lovelace',
        email: 'ada-lovelace@dev-idp.localhost',
      });
      expect(JSON.parse((await text('token'))!)).toMatchObject({ header: { alg: 'ES256' }, payload: { iss: t.config.jwt.issuer } });
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      await refreshThenLogOut();
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    'should let the same browser sign in again as someone else (the dev IdP asks every time and ends the old session)',
    async () => {
      await page.goto(`${t.url}/demo`);
      for (const name of ['Ada Lovelace', 'Grace Hopper']) {
        await page.getByRole('button', { name: 'Sign in with Dev IdP', exact: true }).click();
        await signInAtDevIdp(page, name);
        await page.getByTestId('user-name').filter({ hasText: name }).waitFor();
        await page.getByRole('button', { name: 'Log out', exact: true }).click();
      }
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    'should sign in with the popup flow, the popup handing the login code back to the page',
    async () => {
      await page.goto(`${t.url}/demo`);
      const [popup] = await Promise.all([
        page.waitForEvent('popup'),
        page.getByRole('button', { name: 'Sign in with Dev IdP (popup)' }).click(),
      ]);
      // Listened for before signing in: the popup may close before signInAtDevIdp returns.
      const closed = popup.waitForEvent('close', { timeout: 0 }).then(() => 'closed');
      await signInAtDevIdp(popup, 'Grace Hopper');
      // The callback page closes the popup once it has posted the code; without `window.opener` it would carry on as a redirect.
      // waitForURL rejects when the popup closes: that rejection is not an outcome, the 'close' event is.
      const never = new Promise<string>(() => undefined);
      const outcome = await Promise.race([
        closed,
        popup
          .waitForURL((url) => url.pathname === '/demo', { timeout: 0 })
          .then(
            () =>
              'the popup lost window.opener and fell back to the redirect: a Cross-Origin-Opener-Policy other than unsafe-none on a response of the sign-in',
            () => never,
          ),
      ]);
      expect(outcome).toBe('closed');

      await page.getByTestId('signed-in').waitFor({ state: 'visible' });
      expect(await text('user-name')).toBe('Grace Hopper');

      await refreshThenLogOut();
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
