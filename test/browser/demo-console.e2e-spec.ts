import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { registerDemo } from '../../src/demo/demo.routes.js';
import { startAppWithDevIdp, type ListeningApp } from '../dev-idp/dev-idp-app.js';
import { launchChromium } from './chromium.js';

/** The README shows these; `UPDATE_SCREENSHOTS=1` rewrites them, so `npm test` never changes the docs. */
const DOCS_SCREENSHOT = 'docs/images/demo-console.png';
const BROWSER_TEST_TIMEOUT_MS = 180_000;

describe(`${registerDemo.name}: the account console in Chromium`, () => {
  let t: ListeningApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** What would show a broken page: CSP violations and uncaught script errors, in any tab. */
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startAppWithDevIdp();
  }, BROWSER_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A browser of its own (cookies, sessionStorage), signed in at the dev IdP with the redirect flow. */
  async function signedInBrowser(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    contexts.push(context);
    context.on('weberror', (error) => problems.push(`uncaught: ${error.error().message}`));
    context.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) problems.push(`CSP: ${message.text()}`);
    });
    const page = await context.newPage();
    await page.goto(`${t.url}/demo`);
    await page.getByRole('button', { name: 'Sign in with Dev IdP', exact: true }).click();
    await signInAtDevIdp(page, username);
    await page.getByTestId('signed-in').waitFor({ state: 'visible' });
    return page;
  }

  async function signInAtDevIdp(page: Page, username: string): Promise<void> {
    await page.getByLabel('Username').fill(username);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.trim();
  /** Waits for a message line to show `expected` (a status after success, an error line after a failure). */
  async function shows(page: Page, testId: string, expected: string | RegExp): Promise<string> {
    await page.getByTestId(testId).filter({ hasText: expected }).waitFor();
    return (await text(page, testId))!;
  }

  it(
    'should walk sign in, profile, sessions, refresh, connect and unlink, a failing call with its code, and log out everywhere',
    async () => {
      const laptop = await signedInBrowser('Ada Lovelace');
      const page = await signedInBrowser('Ada Lovelace');
      expect(await text(page, 'refresh-token')).toBe('present, in this tab only (never shown)');
      expect(await text(page, 'expires-in')).toMatch(/^in \d+ min \d\d s$/);
      expect(JSON.parse((await text(page, 'token'))!)).toMatchObject({ header: { alg: 'ES256' }, payload: { iss: t.config.jwt.issuer } });

      // Profile: a refused edit shows the code and the field's rule; a good one is saved and shown.
      await page.getByTestId('profile-username').fill('Not valid!');
      await page.getByRole('button', { name: 'Save profile' }).click();
      expect(await shows(page, 'profile-error', 'validation_failed')).toMatch(/^validation_failed: .*username: username may hold a-z/);
      await page.getByTestId('profile-username').fill('ada');
      await page.getByTestId('profile-name').fill('Ada King');
      await page.getByRole('button', { name: 'Save profile' }).click();
      expect(await shows(page, 'status', 'Profile saved')).toBe('Profile saved (PATCH /users/me): username, name.');
      expect(await text(page, 'user-name')).toBe('Ada King');
      expect(JSON.parse((await text(page, 'me'))!)).toMatchObject({ username: 'ada', name: 'Ada King' });

      // Sessions: this tab's and the laptop's; ending the laptop's signs the laptop out at its next refresh.
      const sessions = page.getByTestId('session');
      expect(await sessions.count()).toBe(2);
      await sessions.filter({ hasNotText: 'this tab' }).getByRole('button', { name: 'End' }).click();
      await shows(page, 'status', 'Session ended');
      expect(await sessions.count()).toBe(1);
      expect(await sessions.textContent()).toContain('this tab');
      await laptop.getByRole('button', { name: 'Refresh' }).click();
      expect(await shows(laptop, 'tokens-error', /^\w+:/)).toMatch(/^invalid_refresh_token: /);

      // Refresh: a new access token, said so.
      const before = (await text(page, 'token-id'))!;
      await page.getByRole('button', { name: 'Refresh' }).click();
      const refreshed = await shows(page, 'status', 'Refreshed');
      const after = (await text(page, 'token-id'))!;
      expect(after).not.toBe(before);
      expect(refreshed).toBe(
        `Refreshed: access token ${before} replaced by ${after}, expiring at ${await text(page, 'expires-at')}. The old refresh token no longer works.`,
      );

      // A failing call shows its code: the only account cannot go.
      const accounts = page.getByTestId('accounts').getByRole('listitem');
      expect(await accounts.count()).toBe(1);
      await accounts.getByRole('button', { name: 'Unlink' }).click();
      expect(await shows(page, 'accounts-error', 'last_login_method')).toBe(
        'last_login_method: This is your only way to sign in; connect another provider first',
      );

      // Connect another Dev IdP account: the page runs the code flow itself and comes back still signed in.
      await page.getByRole('button', { name: 'Connect another Dev IdP account' }).click();
      await signInAtDevIdp(page, 'Ada at work');
      expect(await shows(page, 'status', 'Connected')).toMatch(
        /^Connected dev account \S+ \(POST \/users\/me\/social-accounts\/dev\/code\)\.$/,
      );
      expect(page.url()).toBe(`${t.url}/demo`);
      expect(await accounts.count()).toBe(2);
      if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: DOCS_SCREENSHOT, fullPage: true });
      await accounts.last().getByRole('button', { name: 'Unlink' }).click();
      await shows(page, 'status', 'Disconnected');
      expect(await accounts.count()).toBe(1);

      // A reload keeps the session (the refresh token in sessionStorage); an answer for a connection this tab never started is refused.
      await page.goto(`${t.url}/demo?code=forged&state=forged`);
      expect(await shows(page, 'accounts-error', 'invalid_state')).toBe(
        'invalid_state: This answer is not for a connection this tab started',
      );
      expect(page.url()).toBe(`${t.url}/demo`);
      expect(await accounts.count()).toBe(1);

      // Log out everywhere: the signed-out state, and what became of the old access token.
      await page.getByRole('button', { name: 'Log out everywhere' }).click();
      expect(await shows(page, 'status', 'Signed out everywhere')).toMatch(
        /^Signed out everywhere: every session of this user ended \(POST \/auth\/logout-all\)\. The refresh token is gone from this tab\. The old access token still works until it expires at /,
      );
      expect(await page.getByTestId('signed-in').isHidden()).toBe(true);
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    'should sign the tab out when it ends its own session from the list',
    async () => {
      const page = await signedInBrowser('Grace Hopper');

      await page.getByTestId('session').filter({ hasText: 'this tab' }).getByRole('button', { name: 'End' }).click();

      expect(await shows(page, 'status', 'session ended')).toMatch(
        /^This tab's session ended \(DELETE \/auth\/sessions\/\{id\}\)\. The refresh token is gone from this tab\. /,
      );
      expect(await page.getByTestId('signed-out').isVisible()).toBe(true);
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
