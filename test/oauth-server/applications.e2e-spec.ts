import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { AccessTokenService } from '../../src/auth/tokens/access-token.service.js';
import { User } from '../../src/users/entities/user.entity.js';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

const ADMIN_ID = randomUUID();
const USER_ID = randomUUID();

describe('applications: admin API (ADMIN_USER_IDS) and client_credentials', () => {
  let t: OAuthTestApp;
  let admin: string;
  let user: string;

  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).set('authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) => t.http().post(path).set('authorization', `Bearer ${token}`).send(body),
    patch: (path: string, body: object) => t.http().patch(path).set('authorization', `Bearer ${token}`).send(body),
    delete: (path: string) => t.http().delete(path).set('authorization', `Bearer ${token}`),
  });

  beforeAll(async () => {
    t = await startOAuthApp({ ADMIN_USER_IDS: ADMIN_ID });
    for (const id of [ADMIN_ID, USER_ID])
      await t.dataSource
        .getRepository(User)
        .insert({ id, username: `u-${id.slice(0, 8)}`, email: null, emailVerified: false, isActive: true });
    const tokens = t.app.get(AccessTokenService, { strict: false });
    [admin, user] = [tokens.sign(ADMIN_ID, 's1'), tokens.sign(USER_ID, 's2')];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should refuse a user without the admin role', async () => {
    const res = await as(user).get('/admin/applications').expect(403);
    expect(res.body.code).toBe('admin_required');
    await as(user)
      .post('/admin/applications', { name: 'x', type: 'public', redirect_uris: ['https://a.test/cb'] })
      .expect(403);
  });

  it('should register, show once the secret (stored hashed), list, update, rotate and delete', async () => {
    const made = await as(admin)
      .post('/admin/applications', {
        name: 'Partner',
        type: 'confidential',
        redirect_uris: ['https://partner.test/cb'],
        scopes: ['openid', 'profile:read'],
      })
      .expect(201);
    expect(made.body).toMatchObject({
      name: 'Partner',
      type: 'confidential',
      client_secret: expect.any(String),
      grant_types: ['authorization_code', 'refresh_token'],
    });
    expect(made.headers['cache-control']).toBe('no-store');
    const id = made.body.client_id as string;
    const [row] = await t.dataSource.query(`SELECT * FROM oauth_applications`);
    expect(JSON.stringify(row)).not.toContain(made.body.client_secret);
    expect((await as(admin).get(`/admin/applications/${id}`).expect(200)).body.client_secret).toBeUndefined();
    expect((await as(admin).get('/admin/applications').expect(200)).body.map((a: { client_id: string }) => a.client_id)).toContain(id);
    expect((await as(admin).patch(`/admin/applications/${id}`, { name: 'Partner 2' }).expect(200)).body.name).toBe('Partner 2');
    const rotated = await as(admin).post(`/admin/applications/${id}/secret`).expect(200);
    expect(rotated.body.client_secret).not.toBe(made.body.client_secret);
    await as(admin).delete(`/admin/applications/${id}`).expect(204);
    await as(admin).get(`/admin/applications/${id}`).expect(404);
    // Each change is in the admin's audit trail, newest first, without the secret.
    const activity = (await as(admin).get('/users/me/activity').expect(200)).body as {
      events: Array<{ event: string; detail: { client_id?: string } }>;
    };
    const ofThis = activity.events.filter((e) => e.detail.client_id === id).map((e) => e.event);
    expect(ofThis).toEqual(['application_deleted', 'application_secret_rotated', 'application_updated', 'application_created']);
    expect(JSON.stringify(activity)).not.toContain(rotated.body.client_secret);
  });

  it('should refuse bad registrations with validation_failed and store nothing', async () => {
    const bad = [
      { name: 'x', type: 'public', redirect_uris: ['http://evil.test/cb'] },
      { name: 'x', type: 'public', redirect_uris: ['https://a.test/cb#frag'] },
      { name: 'x', type: 'public', redirect_uris: ['https://a.test/cb'], grant_types: ['client_credentials'] },
      { name: 'x', type: 'confidential', redirect_uris: [], grant_types: ['authorization_code'] },
      { name: 'x', type: 'confidential', redirect_uris: ['https://a.test/cb'], scopes: ['everything'] },
      { name: 'x', type: 'weird', redirect_uris: ['https://a.test/cb'] },
    ];
    const before = (await as(admin).get('/admin/applications')).body.length;
    for (const body of bad) {
      const res = await as(admin).post('/admin/applications', body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'validation_failed' });
    }
    expect((await as(admin).get('/admin/applications')).body.length).toBe(before);
  });

  it('should issue client_credentials tokens to a machine client; deleting the application stops them', async () => {
    const made = await as(admin)
      .post('/admin/applications', { name: 'Machine', type: 'confidential', grant_types: ['client_credentials'], scopes: ['profile:read'] })
      .expect(201);
    const config = await t.discover(made.body.client_id, made.body.client_secret);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'profile:read' });
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ client_id: made.body.client_id, scope: 'profile:read', aud: `${t.url}/` });
    expect(tokens.refresh_token).toBeUndefined();
    // No user behind it: the userinfo endpoint needs `openid`, which a machine token never has.
    expect((await as(tokens.access_token).get('/oauth/userinfo').expect(403)).body.code).toBe('insufficient_scope');
    // A machine token cannot administer, whatever its scopes.
    await as(tokens.access_token).get('/admin/applications').expect(403);
    await as(admin).delete(`/admin/applications/${made.body.client_id}`).expect(204);
    expect((await as(tokens.access_token).get('/oauth/userinfo').expect(401)).body.code).toBe('invalid_token');
    const again = await client.clientCredentialsGrant(config, { scope: 'profile:read' }).catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 401 });
  });

  it('should refuse client_credentials to an application not allowed that grant', async () => {
    const made = await as(admin)
      .post('/admin/applications', { name: 'Web', type: 'confidential', redirect_uris: ['https://w.test/cb'] })
      .expect(201);
    const config = await t.discover(made.body.client_id, made.body.client_secret);
    await expect(client.clientCredentialsGrant(config)).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'requested grant type is not allowed for this client',
    });
  });
});
