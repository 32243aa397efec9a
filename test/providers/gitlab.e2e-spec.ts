import { describe, expect, it } from '@jest/globals';
import { FakeGitLab } from '../fakes/gitlab.fake.js';
import { appWithProviders, loginWithCode, REDIRECT_URI } from './provider-kit.js';

/** The `gitlab` preset (src/providers/presets/gitlab.ts): gitlab.com by default, a self-managed instance by `issuer`. */
describe('the gitlab preset', () => {
  const APP = { id: 'gitlab-app-id', secret: 'gitlab-app-secret' };
  const gitlab = new FakeGitLab([APP]);

  const user = {
    sub: '4711',
    preferred_username: 'ada',
    nickname: 'ada',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    email_verified: true,
  };

  const app = appWithProviders(gitlab, (file) => ({
    // A self-managed instance (the fake) next to a gitlab.com declaration that is never called.
    PROVIDERS_FILE: file.write(
      [
        { id: 'gitlab', preset: 'gitlab', clientIds: [APP.id], issuer: gitlab.baseUrl, redirectUris: [REDIRECT_URI] },
        { id: 'gitlab-com', preset: 'gitlab', clientIds: [APP.id] },
      ],
      'providers.yaml',
    ),
    PROVIDER_GITLAB_CLIENT_SECRET: APP.secret,
  }));

  it("should default to gitlab.com and take a self-managed instance's issuer instead", () => {
    expect(app.t.config.providers.custom.map((p) => [p.id, p.type === 'oidc' && p.issuer])).toEqual([
      ['gitlab', gitlab.baseUrl],
      ['gitlab-com', 'https://gitlab.com'],
    ]);
  });

  it('should sign in through POST /auth/{id}/code, the email verified but not trusted for linking by default', async () => {
    const { res } = await loginWithCode(app.t, 'gitlab', gitlab.codes, { clientId: APP.id, account: user });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      is_new_user: true,
      user: { username: 'ada', email: 'ada@example.com', email_verified: false, name: 'Ada Lovelace' },
    });
  });

  it('should answer 400 invalid_authorization_code when the PKCE verifier does not match (invalid_grant)', async () => {
    const { res } = await loginWithCode(app.t, 'gitlab', gitlab.codes, { clientId: APP.id, account: user, wrongVerifier: true });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_authorization_code');
  });
});
