import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import type { TestApp } from '../support/test-app.js';

describe('refresh, logout and sessions', () => {
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => ({ t, google } = await createAppWithGoogle()));
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });
  beforeEach(() => t.reset());

  const refresh = (token: string) => t.http().post('/auth/refresh').send({ refresh_token: token });
  const me = (access: string) => t.http().get('/users/me').set('authorization', `Bearer ${access}`);

  describe('POST /auth/refresh', () => {
    it('should rotate: a new pair, and the old refresh token stops working', async () => {
      const first = await loginWithGoogle(t, google);
      const res = await refresh(first.refresh_token).expect(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, user: { id: first.user.id } });
      expect(res.body.refresh_token).not.toBe(first.refresh_token);
      await me(res.body.access_token).expect(200);
      await refresh(res.body.refresh_token).expect(200);
    });

    it('should store refresh tokens hashed, never as given', async () => {
      const { refresh_token } = await loginWithGoogle(t, google);
      const rows: Array<{ tokenHash: string }> = await t.dataSource.query('SELECT "tokenHash" FROM refresh_tokens');
      expect(rows).toHaveLength(1);
      expect(rows[0].tokenHash).not.toBe(refresh_token);
      expect(JSON.stringify(rows)).not.toContain(refresh_token);
    });

    it('should revoke the whole family when a spent token is presented again', async () => {
      const first = await loginWithGoogle(t, google);
      const second = (await refresh(first.refresh_token).expect(200)).body;
      const reuse = await refresh(first.refresh_token).expect(401);
      expect(reuse.body.code).toBe('refresh_token_reused');
      // The legitimate branch dies too: the thief and the owner both have to sign in again.
      const after = await refresh(second.refresh_token).expect(401);
      expect(after.body.code).toBe('refresh_token_reused');
    });

    it('should never fork a family when two refreshes race with one token', async () => {
      const { refresh_token } = await loginWithGoogle(t, google);
      const results = await Promise.all([refresh(refresh_token), refresh(refresh_token), refresh(refresh_token)]);
      const winners = results.filter((r) => r.status === 200);
      expect(winners.length).toBeLessThanOrEqual(1);
      const live = await t.dataSource.query('SELECT COUNT(*) AS n FROM refresh_tokens WHERE "usedAt" IS NULL AND "revokedAt" IS NULL');
      expect(Number(live[0].n)).toBeLessThanOrEqual(1);
      for (const loser of results.filter((r) => r.status !== 200)) expect(loser.body.code).toBe('refresh_token_reused');
    });

    it('should refuse an unknown refresh token', async () => {
      const res = await refresh('not-a-token').expect(401);
      expect(res.body.code).toBe('invalid_refresh_token');
    });

    it('should refuse a malformed body with 400', async () => {
      await t.http().post('/auth/refresh').send({ refresh_token: 12 }).expect(400);
      await t.http().post('/auth/refresh').set('content-type', 'application/json').send('{"refresh_token":').expect(400);
    });

    it('should refuse to refresh for an inactive user with 403 account_inactive', async () => {
      const first = await loginWithGoogle(t, google);
      await t.dataSource.query(`UPDATE users SET "isActive" = ${t.dataSource.options.type === 'postgres' ? 'false' : '0'}`);
      const res = await refresh(first.refresh_token).expect(403);
      expect(res.body.code).toBe('account_inactive');
    });
  });

  describe('POST /auth/logout', () => {
    it('should end that session only', async () => {
      const a = await loginWithGoogle(t, google);
      const b = await loginWithGoogle(t, google);
      await t.http().post('/auth/logout').send({ refresh_token: a.refresh_token }).expect(204);
      expect((await refresh(a.refresh_token).expect(401)).body.code).toBe('invalid_refresh_token');
      await refresh(b.refresh_token).expect(200);
    });
  });

  describe('GET /auth/sessions and DELETE /auth/sessions/:id', () => {
    it('should list live sessions with device and mark the current one', async () => {
      const a = await loginWithGoogle(t, google);
      await loginWithGoogle(t, google);
      const res = await t.http().get('/auth/sessions').set('authorization', `Bearer ${a.access_token}`).expect(200);
      expect(res.body).toHaveLength(2);
      expect(res.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
      expect(res.body[0]).toMatchObject({
        device: 'jest-browser/1.0',
        id: expect.any(String),
        created_at: expect.any(String),
        last_used_at: expect.any(String),
      });
    });

    it('should end one session by id', async () => {
      const a = await loginWithGoogle(t, google);
      const b = await loginWithGoogle(t, google);
      const list = (await t.http().get('/auth/sessions').set('authorization', `Bearer ${a.access_token}`)).body as Array<{
        id: string;
        current: boolean;
      }>;
      const other = list.find((s) => !s.current)!;
      await t.http().delete(`/auth/sessions/${other.id}`).set('authorization', `Bearer ${a.access_token}`).expect(204);
      await refresh(b.refresh_token).expect(401);
      await refresh(a.refresh_token).expect(200);
    });

    it('should answer 404 for a session of another user, and leave it alive', async () => {
      const mine = await loginWithGoogle(t, google, 'g-mine');
      const theirs = await loginWithGoogle(t, google, 'g-theirs');
      const theirList = (await t.http().get('/auth/sessions').set('authorization', `Bearer ${theirs.access_token}`)).body as Array<{
        id: string;
      }>;
      const res = await t
        .http()
        .delete(`/auth/sessions/${theirList[0].id}`)
        .set('authorization', `Bearer ${mine.access_token}`)
        .expect(404);
      expect(res.body.code).toBe('not_found');
      await refresh(theirs.refresh_token).expect(200);
    });

    it('should answer 400 for an id that is not a UUID', async () => {
      const a = await loginWithGoogle(t, google);
      await t.http().delete('/auth/sessions/not-a-uuid').set('authorization', `Bearer ${a.access_token}`).expect(400);
    });
  });

  describe('POST /auth/logout-all', () => {
    it('should end every session of the user', async () => {
      const a = await loginWithGoogle(t, google);
      const b = await loginWithGoogle(t, google);
      await t.http().post('/auth/logout-all').set('authorization', `Bearer ${a.access_token}`).expect(204);
      await refresh(a.refresh_token).expect(401);
      await refresh(b.refresh_token).expect(401);
    });

    it('should require an access token', async () => {
      const res = await t.http().post('/auth/logout-all').expect(401);
      expect(res.body.code).toBe('invalid_token');
    });
  });

  describe('access tokens of ended sessions', () => {
    it('should keep working until they expire when JWT_CHECK_SESSION is off (the default)', async () => {
      const a = await loginWithGoogle(t, google);
      await t.http().post('/auth/logout').send({ refresh_token: a.refresh_token }).expect(204);
      await me(a.access_token).expect(200);
    });
  });
});

describe('JWT_CHECK_SESSION=true', () => {
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => ({ t, google } = await createAppWithGoogle({ JWT_CHECK_SESSION: 'true' })));
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  it('should stop an access token the moment its session is logged out', async () => {
    const a = await loginWithGoogle(t, google);
    await t.http().get('/users/me').set('authorization', `Bearer ${a.access_token}`).expect(200);
    await t.http().post('/auth/logout').send({ refresh_token: a.refresh_token }).expect(204);
    const res = await t.http().get('/users/me').set('authorization', `Bearer ${a.access_token}`).expect(401);
    expect(res.body).toMatchObject({ code: 'invalid_token', message: 'This session has ended' });
  });

  it('should keep accepting the access token of a session that was refreshed', async () => {
    const a = await loginWithGoogle(t, google);
    const next = (await t.http().post('/auth/refresh').send({ refresh_token: a.refresh_token }).expect(200)).body;
    await t.http().get('/users/me').set('authorization', `Bearer ${a.access_token}`).expect(200);
    await t.http().get('/users/me').set('authorization', `Bearer ${next.access_token}`).expect(200);
  });
});

describe('REFRESH_REUSE_GRACE_SECONDS', () => {
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => ({ t, google } = await createAppWithGoogle({ REFRESH_REUSE_GRACE_SECONDS: '30' })));
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  it('should answer a just-spent token with refresh_token_superseded, issue nothing, and keep the family alive', async () => {
    const a = await loginWithGoogle(t, google);
    const winner = (await t.http().post('/auth/refresh').send({ refresh_token: a.refresh_token }).expect(200)).body;
    const loser = await t.http().post('/auth/refresh').send({ refresh_token: a.refresh_token }).expect(401);
    expect(loser.body.code).toBe('refresh_token_superseded');
    expect(loser.body.access_token).toBeUndefined();
    await t.http().post('/auth/refresh').send({ refresh_token: winner.refresh_token }).expect(200);
  });
});
