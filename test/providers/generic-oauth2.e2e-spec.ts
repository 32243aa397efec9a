import { describe, expect, it } from '@jest/globals';
import { FakeDiscord, type DiscordUser } from '../fakes/discord.fake.js';
import { countRows } from '../support/test-app.js';
import { appWithProviders, loginWithCode, REDIRECT_URI } from './provider-kit.js';

/**
 * A plain OAuth 2.0 provider added by configuration alone (`type: oauth2`, YAML), here a Discord-like API with
 * none of the discord preset's code: the declared profile mapping and email rule do all the work.
 */
describe('a generic oauth2 provider declared in a YAML file', () => {
  const APP = { id: 'acme-client', secret: 'acme-secret' };
  const acme = new FakeDiscord([APP]);

  const member = (id: string, extra: Partial<DiscordUser> = {}): DiscordUser => ({
    id,
    username: `member${id}`,
    email: 'ada@acme.example',
    verified: true,
    ...extra,
  });
  const login = (account: DiscordUser) => loginWithCode(app.t, 'acme', acme.codes, { clientId: APP.id, account }).then(({ res }) => res);

  const app = appWithProviders(acme, (file) => ({
    PROVIDERS_FILE: file.write(
      [
        {
          id: 'acme',
          type: 'oauth2',
          displayName: 'Acme',
          clientIds: [APP.id],
          redirectUris: [REDIRECT_URI],
          authorizationUrl: `${acme.baseUrl}/oauth2/authorize`,
          tokenUrl: `${acme.apiUrl}/oauth2/token`,
          userinfoUrl: `${acme.apiUrl}/users/@me`,
          scopes: ['identify', 'email'],
          profile: { uid: 'id', email: 'email', emailVerified: 'verified', username: 'username' },
          trustEmailForLinking: true,
        },
      ],
      'providers.yaml',
    ),
    PROVIDER_ACME_CLIENT_SECRET: APP.secret,
  }));

  it('should sign in through POST /auth/{id}/code with the declared profile mapping', async () => {
    const res = await login(member('80351110224678912'));

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      is_new_user: true,
      user: { username: 'member80351110224678912', email: 'ada@acme.example', email_verified: true },
    });
  });

  it('should link by email only when the declared verified flag says so', async () => {
    await login(member('1'));

    expect((await login(member('2', { verified: false }))).body.code).toBe('account_link_required');
    expect((await login(member('3'))).body).toMatchObject({ is_new_user: false });
  });

  it('should offer no access-token flow, since it cannot tell which app a token was issued to', async () => {
    const token = acme.issueAccessToken(APP.id, member('1'));

    expect((await app.t.http().post('/auth/acme/token').send({ access_token: token }).expect(400)).body.code).toBe('unsupported_grant');
    const { body } = await app.t.http().get('/auth/providers').expect(200);
    expect(body.providers).toContainEqual(expect.objectContaining({ id: 'acme', type: 'oauth2', flows: ['code', 'redirect'] }));
  });

  it.each([
    [401, 401, 'invalid_provider_token'],
    [503, 502, 'provider_unavailable'],
  ])("should answer userinfo's %i as %i %s, creating nothing", async (fault, status, code) => {
    acme.setFault({ kind: 'status', status: fault, path: '/api/users/@me' });

    const res = await login(member('1'));

    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(await countRows(app.t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });
});
