import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OidcProviderServer } from '../support/oidc-provider-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Every secret the app is given (plus the OP's, below); none may ever appear in the public list of providers. */
const SECRETS = {
  GOOGLE_CLIENT_SECRETS: 'google-secret-1,google-secret-2',
  FACEBOOK_CLIENT_SECRETS: 'facebook-secret-1',
  GITHUB_CLIENT_SECRETS: 'github-secret-1',
  PROVIDER_DOWN_CLIENT_SECRET: 'down-secret-1',
};

describe('GET /auth/providers', () => {
  const op = new OidcProviderServer();
  const dir = mkdtempSync(join(tmpdir(), 'auth-providers-'));
  let t: TestApp;

  beforeAll(async () => {
    await op.start();
    const file = join(dir, 'providers.json');
    writeFileSync(
      file,
      JSON.stringify({
        providers: [
          { id: 'acme', type: 'oidc', displayName: 'Acme ID', issuer: op.issuer, clientIds: [op.web.id], scopes: ['openid', 'email'] },
          // Nothing listens on the discard port: its discovery document cannot be fetched.
          { id: 'down', type: 'oidc', displayName: 'Down ID', issuer: 'http://127.0.0.1:9', clientIds: ['down-web'] },
        ],
      }),
    );
    t = await createTestApp({
      ...SECRETS,
      GOOGLE_CLIENT_IDS: 'google-web,google-ios',
      FACEBOOK_CLIENT_IDS: 'fb-app',
      GITHUB_CLIENT_IDS: 'gh-app',
      GITHUB_AUTHORIZATION_URL: 'https://github.example.com/login/oauth/authorize',
      PROVIDER_ACME_CLIENT_SECRET: op.web.secret,
      PROVIDERS_FILE: file,
    });
  });
  afterAll(async () => {
    await t?.close();
    await op.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = async () => (await t.http().get('/auth/providers').expect(200)).body.providers as Array<Record<string, unknown>>;
  const byId = async (id: string) => (await list()).find((p) => p.id === id);

  it('should list every enabled provider, publicly and cacheable for a short while', async () => {
    const res = await t.http().get('/auth/providers').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.body.providers.map((p: { id: string }) => p.id)).toEqual(['google', 'facebook', 'github', 'acme', 'down']);
  });

  it('should describe the built-in providers with their default scopes and endpoints', async () => {
    expect(await byId('google')).toEqual({
      id: 'google',
      display_name: 'Google',
      type: 'built-in',
      flows: ['token', 'id_token', 'redirect'],
      client_ids: ['google-web', 'google-ios'],
      scopes: ['openid', 'email', 'profile'],
      authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      nonce_endpoint: '/auth/google/nonce',
      authorize_url: '/auth/google/authorize',
    });
    expect(await byId('facebook')).toMatchObject({
      type: 'built-in',
      client_ids: ['fb-app'],
      scopes: ['email', 'public_profile'],
      authorization_endpoint: 'https://www.facebook.com/v21.0/dialog/oauth',
    });
  });

  it('should take a configured authorization URL and give no nonce endpoint to a provider without ID tokens', async () => {
    const github = await byId('github');
    expect(github).toMatchObject({
      flows: ['token', 'redirect'],
      scopes: ['read:user', 'user:email'],
      authorization_endpoint: 'https://github.example.com/login/oauth/authorize',
    });
    expect(github).not.toHaveProperty('nonce_endpoint');
  });

  it('should describe a declared OIDC provider from its discovery document', async () => {
    expect(await byId('acme')).toEqual({
      id: 'acme',
      display_name: 'Acme ID',
      type: 'oidc',
      flows: ['token', 'id_token', 'redirect'],
      client_ids: [op.web.id],
      scopes: ['openid', 'email'],
      authorization_endpoint: `${op.issuer}/auth`,
      nonce_endpoint: '/auth/acme/nonce',
      authorize_url: '/auth/acme/authorize',
    });
  });

  it('should still list a declared provider whose discovery is down, without its authorization endpoint', async () => {
    const down = await byId('down');
    expect(down).toMatchObject({ id: 'down', type: 'oidc', flows: ['id_token', 'redirect'], client_ids: ['down-web'] });
    expect(down).not.toHaveProperty('authorization_endpoint');
  });

  it('should never show a secret', async () => {
    const text = (await t.http().get('/auth/providers').expect(200)).text;
    const secrets = [...Object.values(SECRETS).flatMap((s) => s.split(',')), op.web.secret];
    for (const secret of secrets) expect({ secret, shown: text.includes(secret) }).toEqual({ secret, shown: false });
    expect(text).not.toMatch(/secret/i);
  });
});
