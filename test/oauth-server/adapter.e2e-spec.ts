import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/common/crypto/secret-box.js';
import { TransactionRunner } from '../../src/database/transaction-runner.js';
import { purgeExpired, sha256Hex, TypeOrmAdapter, type AdapterDependencies } from '../../src/oauth-server/adapter.js';
import { OAuthRecord } from '../../src/oauth-server/oauth-record.entity.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** oidc-provider's storage on our database (SQLite here, PostgreSQL with TEST_DATABASE_URL). */
describe('TypeOrmAdapter', () => {
  let t: TestApp;
  let deps: AdapterDependencies;
  class AlreadyConsumed extends Error {}

  beforeAll(async () => {
    t = await createTestApp();
    const dataSource = t.app.get(DataSource);
    deps = {
      dataSource,
      tx: t.app.get(TransactionRunner),
      box: t.app.get(SecretBox, { strict: false }),
      alreadyConsumed: () => new AlreadyConsumed('already used'),
      clients: undefined as never,
    };
  });
  beforeEach(async () => {
    await t.dataSource.query('DELETE FROM oauth_records');
  });
  afterAll(async () => {
    await t?.close();
  });

  const rows = () => t.dataSource.query<Array<Record<string, string>>>('SELECT * FROM oauth_records');

  it('should store the SHA-256 of the id, never the id, in the key and in the payload', async () => {
    const codes = new TypeOrmAdapter('AuthorizationCode', deps);
    await codes.upsert(
      'the-code-value',
      { jti: 'the-code-value', grantId: 'grant-1', accountId: 'u1', clientId: 'c1', kind: 'AuthorizationCode' },
      60,
    );
    const [row] = await rows();
    expect(row.idHash).toBe(sha256Hex('the-code-value'));
    expect(JSON.stringify(row)).not.toContain('the-code-value');
    expect(row.grantIdHash).toBe(sha256Hex('grant-1'));
    expect(await codes.find('the-code-value')).toMatchObject({ jti: 'the-code-value', grantId: 'grant-1', kind: 'AuthorizationCode' });
    expect(await codes.find('another-code')).toBeUndefined();
  });

  it('should keep models apart: the same id of another model is not found', async () => {
    await new TypeOrmAdapter('AuthorizationCode', deps).upsert('same-id', { kind: 'AuthorizationCode' }, 60);
    expect(await new TypeOrmAdapter('RefreshToken', deps).find('same-id')).toBeUndefined();
  });

  it('should find a session by its uid, giving back its id (kept encrypted, not in clear)', async () => {
    const sessions = new TypeOrmAdapter('Session', deps);
    await sessions.upsert('session-cookie-value', { jti: 'session-cookie-value', uid: 'uid-1', accountId: 'u1', kind: 'Session' }, 600);
    expect(JSON.stringify(await rows())).not.toContain('session-cookie-value');
    expect(await sessions.findByUid('uid-1')).toMatchObject({ jti: 'session-cookie-value', uid: 'uid-1' });
    expect(await sessions.findByUid('uid-2')).toBeUndefined();
  });

  it('should consume once: the second consume fails and find reports it consumed', async () => {
    const tokens = new TypeOrmAdapter('RefreshToken', deps);
    await tokens.upsert('rt', { kind: 'RefreshToken', grantId: 'g' }, 600);
    expect((await tokens.find('rt'))!.consumed).toBeUndefined();
    await tokens.consume('rt');
    expect(typeof (await tokens.find('rt'))!.consumed).toBe('number');
    await expect(tokens.consume('rt')).rejects.toBeInstanceOf(AlreadyConsumed);
  });

  it('should hide a refresh token spent within the reuse grace window (ADR 0023), and never a code', async () => {
    const graced = { ...deps, refreshReuseGraceSeconds: 30 };
    const tokens = new TypeOrmAdapter('RefreshToken', graced);
    await tokens.upsert('rt-graced', { kind: 'RefreshToken', grantId: 'g' }, 600);
    await tokens.consume('rt-graced');
    expect(await tokens.find('rt-graced')).toBeUndefined();
    // A code is single-use with no window: its reuse is always seen (and revokes what it issued).
    const codes = new TypeOrmAdapter('AuthorizationCode', graced);
    await codes.upsert('code-graced', { kind: 'AuthorizationCode', grantId: 'g' }, 60);
    await codes.consume('code-graced');
    expect(typeof (await codes.find('code-graced'))!.consumed).toBe('number');
    // Once the window has passed (consumedAt moved back, not waited for), the spent token shows as consumed again.
    await t.dataSource
      .getRepository(OAuthRecord)
      .update({ model: 'RefreshToken', idHash: sha256Hex('rt-graced') }, { consumedAt: new Date(Date.now() - 31_000) });
    expect(typeof (await tokens.find('rt-graced'))!.consumed).toBe('number');
  });

  it('should let exactly one of two concurrent consumes of the same code win', async () => {
    const codes = new TypeOrmAdapter('AuthorizationCode', deps);
    for (let i = 0; i < 10; i++) {
      await codes.upsert(`code-${i}`, { kind: 'AuthorizationCode' }, 60);
      const outcomes = await Promise.allSettled([codes.consume(`code-${i}`), codes.consume(`code-${i}`)]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    }
  });

  it('should not un-consume a row when oidc-provider saves it again', async () => {
    const tokens = new TypeOrmAdapter('RefreshToken', deps);
    await tokens.upsert('rt', { kind: 'RefreshToken' }, 600);
    await tokens.consume('rt');
    await tokens.upsert('rt', { kind: 'RefreshToken', rotations: 1 }, 600);
    expect((await tokens.find('rt'))!.consumed).toBeDefined();
  });

  it('should revoke everything of a grant, and only of that grant', async () => {
    const tokens = new TypeOrmAdapter('RefreshToken', deps);
    await tokens.upsert('a', { kind: 'RefreshToken', grantId: 'g1' }, 600);
    await tokens.upsert('b', { kind: 'RefreshToken', grantId: 'g1' }, 600);
    await tokens.upsert('c', { kind: 'RefreshToken', grantId: 'g2' }, 600);
    await tokens.revokeByGrantId('g1');
    expect([await tokens.find('a'), await tokens.find('b'), await tokens.find('c')].map(Boolean)).toEqual([false, false, true]);
  });

  it('should not answer an expired row, and the purge deletes it', async () => {
    const interactions = new TypeOrmAdapter('Interaction', deps);
    await interactions.upsert('live', { kind: 'Interaction' }, 600);
    await interactions.upsert('old', { kind: 'Interaction' }, 600);
    await t.dataSource
      .createQueryBuilder()
      .update('oauth_records')
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where('"idHash" = :h', { h: sha256Hex('old') })
      .execute();
    expect(await interactions.find('old')).toBeUndefined();
    expect(await purgeExpired(t.dataSource, deps.tx)).toBe(1);
    expect((await rows()).length).toBe(1);
    expect(await interactions.find('live')).toBeDefined();
  });

  it('should delete on destroy', async () => {
    const sessions = new TypeOrmAdapter('Session', deps);
    await sessions.upsert('s', { kind: 'Session', uid: 'u' }, 600);
    await sessions.destroy('s');
    expect(await sessions.find('s')).toBeUndefined();
  });
});
