/**
 * What the preset specs share: a providers file in a temporary directory, and a sign-in through
 * `POST /auth/{provider}/code` with a code the fake hands out as if the user had just consented there.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { stringify } from 'yaml';
import { s256, type AuthorizationCodes } from '../fakes/authorization-codes.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Loopback: any port is allowed (RFC 8252 7.3), so one value serves every spec. */
export const REDIRECT_URI = 'http://127.0.0.1:8080/callback';

export class ProvidersFile {
  private readonly dir = mkdtempSync(join(tmpdir(), 'providers-'));

  /** Writes `{ providers }` as JSON, or as YAML for a `.yaml` name, and returns the path for PROVIDERS_FILE. */
  write(providers: object[], name = 'providers.json'): string {
    const path = join(this.dir, name);
    writeFileSync(path, name.endsWith('.json') ? JSON.stringify({ providers }) : stringify({ providers }));
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface CodeGrantOf<Account> {
  clientId: string;
  account: Account;
  nonce?: string;
  /** Redeem with another verifier than the challenge's (PKCE failure at the provider). */
  wrongVerifier?: boolean;
}

/** A code for `account`, redeemed through our API with its PKCE verifier. Returns the code too, to replay it. */
export async function loginWithCode<Account>(
  t: TestApp,
  provider: string,
  codes: AuthorizationCodes<Account>,
  grant: CodeGrantOf<Account>,
) {
  const verifier = randomBytes(32).toString('base64url');
  const code = codes.issue({
    clientId: grant.clientId,
    redirectUri: REDIRECT_URI,
    codeChallenge: s256(verifier),
    nonce: grant.nonce,
    account: grant.account,
  });
  const send = () =>
    t
      .http()
      .post(`/auth/${provider}/code`)
      .send({
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: grant.wrongVerifier ? randomBytes(32).toString('base64url') : verifier,
      });
  return { res: await send(), replay: send };
}

/** Where the provider's page sends the browser back to us: a redirect (GET), or a form it posts (`form_post`). */
export type BackToUs = { url: URL; form?: Record<string, string> };

/** The provider redirects straight back with the code in the query, as most do. */
export async function followRedirect(authorizeUrl: URL): Promise<BackToUs> {
  const answer = await fetch(authorizeUrl, { redirect: 'manual' });
  return { url: new URL(answer.headers.get('location') ?? '') };
}

/**
 * Plays the browser through the redirect flow: our `/authorize`, the provider (`atProvider`), our callback with
 * the state cookie, then `POST /auth/login-code`. Returns where we sent the browser and the login's answer.
 */
export async function signInInBrowser(
  t: TestApp,
  provider: string,
  returnTo: string,
  atProvider: (authorizeUrl: URL) => Promise<BackToUs> = followRedirect,
) {
  const authorize = await t.http().get(`/auth/${provider}/authorize`).query({ return_to: returnTo }).expect(302);
  const authorizeUrl = new URL(authorize.headers.location);
  const cookie = (authorize.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
  const back = await atProvider(authorizeUrl);
  const path = `${back.url.pathname}${back.url.search}`;
  const callback = await (back.form ? t.http().post(path).type('form').send(back.form) : t.http().get(path))
    .set('cookie', cookie)
    .expect(302);
  const result = new URLSearchParams(new URL(callback.headers.location).hash.slice(1));
  return {
    authorizeUrl,
    result,
    login: await t
      .http()
      .post('/auth/login-code')
      .send({ login_code: result.get('login_code') }),
  };
}

/**
 * The lifecycle of a preset spec: the fake started, an app whose environment `declare` writes (the providers
 * file included), both reset between tests and closed at the end. Read the app as `app.t` inside tests.
 */
export function appWithProviders(
  fake: { start(): Promise<unknown>; stop(): Promise<void>; reset(): void },
  declare: (file: ProvidersFile) => Record<string, string | undefined>,
) {
  const file = new ProvidersFile();
  const app = {} as { t: TestApp };
  beforeAll(async () => {
    await fake.start();
    app.t = await createTestApp(declare(file));
  });
  afterAll(async () => {
    await app.t?.close();
    await fake.stop();
    file.remove();
  });
  beforeEach(async () => {
    await app.t.reset();
    fake.reset();
  });
  return app;
}
