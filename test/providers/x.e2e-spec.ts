import { describe, expect, it } from '@jest/globals';
import { ProviderTokenService } from '../../src/providers/tokens/provider-token.service.js';
import { FakeX, type XUser } from '../fakes/x.fake.js';
import { appWithProviders, loginWithCode, REDIRECT_URI } from './provider-kit.js';

/** The `x` preset (src/providers/presets/x.ts) against a fake X API. */
describe('the x preset', () => {
  const APP = { id: 'M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ', secret: 'x-secret' };
  const x = new FakeX([APP]);

  const user: XUser = {
    id: '2244994945',
    name: 'X Dev',
    username: 'XDevelopers',
    profile_image_url: 'https://pbs.twimg.com/profile_images/1/x_normal.jpg',
  };
  const login = () => loginWithCode(app.t, 'x', x.codes, { clientId: APP.id, account: user });

  const app = appWithProviders(x, (file) => {
    const entry = (id: string) => ({
      id,
      preset: 'x',
      clientIds: [APP.id],
      apiUrl: x.baseUrl,
      authorizationUrl: `${x.baseUrl}/i/oauth2/authorize`,
      redirectUris: [REDIRECT_URI],
    });
    return {
      PROVIDERS_FILE: file.write([entry('x'), entry('x-bad-secret')]),
      PROVIDER_X_CLIENT_SECRET: APP.secret,
      PROVIDER_X_BAD_SECRET_CLIENT_SECRET: 'not-the-secret',
    };
  });

  it('should sign in through POST /auth/{id}/code from the profile in `data`, with no email, as X gives none', async () => {
    const { res } = await login();

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      is_new_user: true,
      user: { username: 'xdevelopers', name: 'X Dev', picture: user.profile_image_url, email_verified: false },
    });
    expect(res.body.user.email ?? null).toBeNull();
  });

  it('should answer 400 invalid_authorization_code for a used code, which X refuses with invalid_request', async () => {
    const { res, replay } = await login();
    expect(res.status).toBe(200);

    const again = await replay().expect(400);

    expect(again.body.code).toBe('invalid_authorization_code');
  });

  it('should answer 502 provider_unavailable when X refuses our client credentials (unauthorized_client)', async () => {
    const { res } = await loginWithCode(app.t, 'x-bad-secret', x.codes, { clientId: APP.id, account: user });

    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    // The provider's error name is for our log, not for anonymous clients (issue 11).
    expect(JSON.stringify(res.body)).not.toContain('unauthorized_client');
  });

  it("should keep the user's X token fresh with the refresh token offline.access brought", async () => {
    x.accessTokenLifetimeSeconds = 30; // inside the renewal margin: due at once
    const { res } = await login();
    const stored = x.requests.filter((r) => r.path === '/2/users/me').map((r) => r.headers.authorization)[0];

    const fresh = await app.t.app.get(ProviderTokenService).getProviderAccessToken(res.body.user.id, 'x');

    expect(`Bearer ${fresh}`).not.toBe(stored);
    expect(x.requests.filter((r) => r.path === '/2/oauth2/token').map((r) => new URLSearchParams(r.body).get('grant_type'))).toEqual([
      'authorization_code',
      'refresh_token',
    ]);
  });
});
