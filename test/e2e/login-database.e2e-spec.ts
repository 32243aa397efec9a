import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, GOOGLE_WEB_CLIENT, loginWithGoogle } from '../support/google-login.js';
import { StatementRecorder } from '../support/statement-recorder.js';
import { countRows, type TestApp } from '../support/test-app.js';

const TRANSACTION_CONTROL = /^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i;

describe('a login and the database', () => {
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => ({ t, google } = await createAppWithGoogle()));
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });
  beforeEach(() => t.reset());

  const statementsOf = async (login: () => Promise<unknown>) => {
    const statements = (await StatementRecorder.during(t.dataSource, login)).map((s) => s.sql);
    const data = statements.filter((s) => !TRANSACTION_CONTROL.test(s));
    return { kinds: data.map((s) => s.split(/\s+/)[0].toUpperCase()), control: statements.length - data.length };
  };

  // The new session and its audit event (`sign_in`): one statement on PostgreSQL (insertRows: the refresh token's
  // INSERT as a CTE of the event's), so the event costs no round trip; two on SQLite, in process, where none is spent.
  const sessionAndEvent = () => (t.dataSource.options.type === 'postgres' ? ['WITH'] : ['INSERT', 'INSERT']);

  it('should take 2 round trips for a returning ID-token login (plus BEGIN/COMMIT)', async () => {
    await loginWithGoogle(t, google, 'g-returning');
    // Find the identity with its user; insert the session and its event. Nothing changed on the account, so no write.
    expect(await statementsOf(() => loginWithGoogle(t, google, 'g-returning'))).toEqual({
      kinds: ['SELECT', ...sessionAndEvent()],
      control: 2,
    });
  });

  it('should take 3 round trips for a returning access-token login (plus BEGIN/COMMIT)', async () => {
    const login = () =>
      t
        .http()
        .post('/auth/google/token')
        .send({ access_token: google.issueAccessToken({ sub: 'g-at', aud: GOOGLE_WEB_CLIENT }) })
        .expect(200);
    await login();
    // The new provider token is stored (encrypted) on the account: one UPDATE more.
    expect(await statementsOf(login)).toEqual({ kinds: ['SELECT', 'UPDATE', ...sessionAndEvent()], control: 2 });
  });

  it('should read each unique column once for a first login: what associate_by_email and get_username read free, create_user trusts', async () => {
    // Identity; free username variants; the address's holder; the user (ON CONFLICT on username); the social account.
    expect(await statementsOf(() => loginWithGoogle(t, google, 'g-first'))).toEqual({
      kinds: ['SELECT', 'SELECT', 'SELECT', 'INSERT', 'INSERT', ...sessionAndEvent()],
      control: 2,
    });
  });

  it('should make exactly one user when the same identity signs in 20 times at once', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () =>
        google.signIdToken({ sub: 'g-race', aud: GOOGLE_WEB_CLIENT, email: 'race@gmail.com', email_verified: true }),
      ),
    );
    const results = await Promise.all(tokens.map((id_token) => t.http().post('/auth/google/token').send({ id_token })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.body.user.id)).size).toBe(1);
    expect(results.filter((r) => r.body.is_new_user)).toHaveLength(1);
    expect(await countRows(t.dataSource)).toEqual({ users: 1, social_accounts: 1, refresh_tokens: 20 });
  });

  // create_user finds the address taken by whichever committed first; the login is replayed and links to it.
  it('should make one user, linked to each, when identities with one trusted address sign up at once', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        google.signIdToken({ sub: `g-shared-${i}`, aud: GOOGLE_WEB_CLIENT, email: 'shared@gmail.com', email_verified: true }),
      ),
    );
    const results = await Promise.all(tokens.map((id_token) => t.http().post('/auth/google/token').send({ id_token })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.body.user.id)).size).toBe(1);
    expect(await countRows(t.dataSource)).toEqual({ users: 1, social_accounts: 10, refresh_tokens: 10 });
  });

  // Every one of them asks for the username "same": on PostgreSQL they race for it (and for same-2...), and the
  // losers take a random suffix instead of each aborting their transaction and replaying (500 after 3 attempts).
  it('should sign up many new users at once whose emails share a local part, each under a username of its own', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        google.signIdToken({ sub: `g-same-${i}`, aud: GOOGLE_WEB_CLIENT, email: `same@domain-${i}.example`, email_verified: true }),
      ),
    );
    const results = await Promise.all(tokens.map((id_token) => t.http().post('/auth/google/token').send({ id_token })));
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(200));
    const usernames = results.map((r) => r.body.user.username as string);
    expect(new Set(usernames).size).toBe(24);
    expect(usernames).toContain('same');
    for (const username of usernames) expect(username).toMatch(/^same(-\d+)*(-[0-9a-f]{8})?$/);
    expect(await countRows(t.dataSource)).toEqual({ users: 24, social_accounts: 24, refresh_tokens: 24 });
  });

  it('should leave nothing behind when a step fails after the user was inserted', async () => {
    // An inactive account linked by email: the user row exists, the login must fail without adding a social account.
    await loginWithGoogle(t, google, 'g-owner', { email: 'shared@gmail.com' });
    await t.dataSource.query(`UPDATE users SET "isActive" = ${t.dataSource.options.type === 'postgres' ? 'false' : '0'}`);
    const idToken = await google.signIdToken({ sub: 'g-second', aud: GOOGLE_WEB_CLIENT, email: 'shared@gmail.com', email_verified: true });
    const res = await t.http().post('/auth/google/token').send({ id_token: idToken }).expect(403);
    expect(res.body.code).toBe('account_inactive');
    expect(await countRows(t.dataSource)).toEqual({ users: 1, social_accounts: 1, refresh_tokens: 1 });
  });
});
