import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AuditTrail } from '../../src/audit/audit-trail.service.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, GOOGLE_WEB_CLIENT, loginWithGoogle } from '../support/google-login.js';
import type { TestApp } from '../support/test-app.js';

interface ActivityEvent {
  id: string;
  event: string;
  provider: string | null;
  session_id: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: Record<string, unknown> | null;
  created_at: string;
}

/** The audit trail as its user reads it: GET /users/me/activity after each kind of security event. */
describe('GET /users/me/activity', () => {
  const lines: string[] = [];
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => {
    const sink = { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) };
    ({ t, google } = await createAppWithGoogle({ LOG_LEVEL: 'info' }, { logDestination: sink }));
  });
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });
  beforeEach(async () => {
    lines.length = 0;
    await t.reset();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const activity = async (token: string, query = '') =>
    (await t.http().get(`/users/me/activity${query}`).set(bearer(token)).expect(200)).body as {
      events: ActivityEvent[];
      next_before: string | null;
    };
  const events = async (token: string) => (await activity(token)).events;

  it('should record a sign-in with its provider, flow, session and device, new user first then returning', async () => {
    const first = await loginWithGoogle(t, google, 'g-ada');
    const second = await loginWithGoogle(t, google, 'g-ada');
    const sessions = (await t.http().get('/auth/sessions').set(bearer(second.access_token)).expect(200)).body as Array<{
      id: string;
      current: boolean;
    }>;
    const current = sessions.find((s) => s.current)!.id;
    const [newest, oldest] = await events(second.access_token);
    expect(newest).toEqual({
      id: expect.any(String),
      event: 'sign_in',
      provider: 'google',
      session_id: current,
      ip: expect.stringContaining('127.0.0.1'),
      user_agent: 'jest-browser/1.0',
      detail: { flow: 'token', new_user: false },
      created_at: expect.any(String),
    });
    expect(oldest).toMatchObject({ event: 'sign_in', detail: { flow: 'token', new_user: true } });
    expect(oldest.session_id).not.toBe(current);
    expect(first.user.id).toBe(second.user.id);
  });

  it('should record each way a session ends, and a refresh-token reuse that ended one', async () => {
    const a = await loginWithGoogle(t, google, 'g-ada');
    const b = await loginWithGoogle(t, google, 'g-ada');
    const c = await loginWithGoogle(t, google, 'g-ada');
    await t.http().post('/auth/refresh').send({ refresh_token: a.refresh_token }).expect(200);
    await t.http().post('/auth/refresh').send({ refresh_token: a.refresh_token }).expect(401);
    await t.http().post('/auth/logout').send({ refresh_token: b.refresh_token }).expect(204);
    await t.http().post('/auth/logout-all').set(bearer(c.access_token)).expect(204);
    const d = await loginWithGoogle(t, google, 'g-ada');
    const e = await loginWithGoogle(t, google, 'g-ada');
    await t
      .http()
      .delete(`/auth/sessions/${sessionOf(e.access_token)}`)
      .set(bearer(d.access_token))
      .expect(204);

    const trail = (await events(d.access_token)).filter((event) => event.event !== 'sign_in');
    expect(trail.map((event) => [event.event, event.session_id, event.detail])).toEqual([
      ['session_ended', sessionOf(e.access_token), { how: 'one' }],
      ['session_ended', null, { how: 'logout_all', sessions: 1 }],
      ['session_ended', sessionOf(b.access_token), { how: 'logout' }],
      ['refresh_token_reused', sessionOf(a.access_token), { session_ended: true }],
    ]);
  });

  it("should record a linked and an unlinked account, but not connecting one's own identity again", async () => {
    const ada = await loginWithGoogle(t, google, 'g-ada');
    const connect = async () =>
      t
        .http()
        .post('/users/me/social-accounts/google')
        .set(bearer(ada.access_token))
        .send({ id_token: await google.signIdToken({ sub: 'g-ada-work', aud: GOOGLE_WEB_CLIENT }) })
        .expect(200);
    const linked = (await connect()).body as { id: string };
    await connect();
    await t.http().delete(`/users/me/social-accounts/${linked.id}`).set(bearer(ada.access_token)).expect(204);
    const trail = await events(ada.access_token);
    expect(trail.map((event) => [event.event, event.provider, event.detail])).toEqual([
      ['account_unlinked', 'google', null],
      ['account_linked', 'google', { via: 'token' }],
      ['sign_in', 'google', { flow: 'token', new_user: true }],
    ]);
  });

  it('should record nothing for a login that failed after its user was written', async () => {
    const ada = await loginWithGoogle(t, google, 'g-owner', { email: 'shared@gmail.com' });
    await t.dataSource.query(`UPDATE users SET "isActive" = ${t.dataSource.options.type === 'postgres' ? 'false' : '0'}`);
    const idToken = await google.signIdToken({ sub: 'g-second', aud: GOOGLE_WEB_CLIENT, email: 'shared@gmail.com', email_verified: true });
    await t.http().post('/auth/google/token').send({ id_token: idToken }).expect(403);
    expect(await t.dataSource.query('SELECT "event", "userId" FROM audit_events')).toEqual([{ event: 'sign_in', userId: ada.user.id }]);
  });

  it('should show a user their own events only', async () => {
    const ada = await loginWithGoogle(t, google, 'g-ada');
    const bob = await loginWithGoogle(t, google, 'g-bob');
    expect((await events(ada.access_token)).map((event) => event.session_id)).toEqual([sessionOf(ada.access_token)]);
    expect((await events(bob.access_token)).map((event) => event.session_id)).toEqual([sessionOf(bob.access_token)]);
  });

  it('should page newest first with limit and before, every event once', async () => {
    let last = await loginWithGoogle(t, google, 'g-ada');
    for (let i = 0; i < 4; i++) last = await loginWithGoogle(t, google, 'g-ada');
    const all = await events(last.access_token);
    expect(all).toHaveLength(5);
    const times = all.map((event) => event.created_at);
    expect([...times].sort().reverse()).toEqual(times);

    const pages: string[][] = [];
    let before: string | null = '';
    while (before !== null) {
      const page = await activity(last.access_token, `?limit=2${before ? `&before=${before}` : ''}`);
      pages.push(page.events.map((event) => event.id));
      before = page.next_before;
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(all.map((event) => event.id));
  });

  it('should refuse a limit above 100 and a cursor it did not give, with 400 validation_failed', async () => {
    const ada = await loginWithGoogle(t, google, 'g-ada');
    for (const query of [
      '?limit=101',
      '?limit=0',
      '?limit=ten',
      '?before=not-a-cursor',
      `?before=${Buffer.from('1.x').toString('base64url')}`,
    ]) {
      const res = await t.http().get(`/users/me/activity${query}`).set(bearer(ada.access_token)).expect(400);
      expect(res.body.code).toBe('validation_failed');
    }
    await t.http().get('/users/me/activity').expect(401);
  });

  it('should log each event as one Audit line with ids only: no token, no email', async () => {
    const ada = await loginWithGoogle(t, google, 'g-ada');
    await t.http().post('/auth/logout').send({ refresh_token: ada.refresh_token }).expect(204);
    const audit = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.context === 'Audit');
    expect(audit).toEqual([
      expect.objectContaining({
        level: 'info',
        reqId: expect.any(String),
        event: 'sign_in',
        userId: ada.user.id,
        provider: 'google',
        sessionId: sessionOf(ada.access_token),
        flow: 'token',
        new_user: true,
        userAgent: 'jest-browser/1.0',
      }),
      expect.objectContaining({ event: 'session_ended', userId: ada.user.id, sessionId: sessionOf(ada.access_token), how: 'logout' }),
    ]);
    const output = audit.map((entry) => JSON.stringify(entry)).join('\n');
    for (const secret of [ada.access_token, ada.refresh_token, 'g-ada@gmail.com']) expect(output).not.toContain(secret);
  });

  it('should delete events older than AUDIT_RETENTION_DAYS (90) when pruning, and keep the rest', async () => {
    const ada = await loginWithGoogle(t, google, 'g-ada');
    const old = new Date(Date.now() - 91 * 86_400_000);
    await t.dataSource.query(
      `INSERT INTO audit_events ("id", "userId", "event", "createdAt") VALUES (${t.dataSource.options.type === 'postgres' ? '$1, $2, $3, $4' : '?, ?, ?, ?'})`,
      [
        randomUUID(),
        ada.user.id,
        'sign_in',
        t.dataSource.options.type === 'postgres' ? old : old.toISOString().replace('T', ' ').replace('Z', ''),
      ],
    );
    expect(await events(ada.access_token)).toHaveLength(2);
    expect(await t.app.get(AuditTrail).prune()).toBe(1);
    expect(await events(ada.access_token)).toEqual([expect.objectContaining({ session_id: sessionOf(ada.access_token) })]);
  });
});

/** The session id (`sid`) an access token carries. */
function sessionOf(accessToken: string): string {
  return (JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
}
