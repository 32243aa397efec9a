import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** A newcomer's first `404 unknown_provider` tells them what this server has and what to set, on every route that names a provider. */
describe('404 unknown_provider', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      DEV_IDP_ENABLED: 'true',
      PROVIDERS: 'acme',
      PROVIDER_ACME_TYPE: 'oidc',
      PROVIDER_ACME_ISSUER: 'https://id.acme.example',
      PROVIDER_ACME_CLIENT_IDS: 'acme-web',
      PROVIDER_ACME_DISPLAY_NAME: 'Acme',
      PROVIDER_ACME_ENABLED: 'false',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should say which providers are enabled and which variable enables a built-in one', async () => {
    const res = await t.http().post('/auth/google/token').send({ id_token: 'x' }).expect(404);

    expect(res.body).toEqual({
      statusCode: 404,
      code: 'unknown_provider',
      message:
        'No enabled identity provider is called "google". Enabled: dev. To enable google set GOOGLE_CLIENT_IDS (docs/adding-a-provider.md).',
      details: { enabled_providers: ['dev'], how_to_enable: 'To enable google set GOOGLE_CLIENT_IDS (docs/adding-a-provider.md)' },
    });
  });

  it('should say a declared provider is switched off', async () => {
    const res = await t.http().get('/auth/acme/nonce').expect(404);

    expect(res.body.details).toEqual({
      enabled_providers: ['dev'],
      how_to_enable: '"acme" is declared with enabled: false; set it to true (docs/adding-a-provider.md)',
    });
  });

  it('should point to the providers file for an id nobody declared', async () => {
    const res = await t.http().post('/auth/myspace/token').send({ access_token: 'x' }).expect(404);

    expect(res.body.details.how_to_enable).toBe('To add "myspace", declare it in PROVIDERS_FILE (docs/adding-a-provider.md)');
  });
});
