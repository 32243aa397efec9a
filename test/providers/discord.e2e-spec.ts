import { describe, expect, it } from '@jest/globals';
import { FakeDiscord, type DiscordUser } from '../fakes/discord.fake.js';
import { countRows } from '../support/test-app.js';
import { appWithProviders, loginWithCode, REDIRECT_URI } from './provider-kit.js';

/** The `discord` preset (src/providers/presets/discord.ts) against a fake Discord API. */
describe('the discord preset', () => {
  const APP = { id: '1100000000000000001', secret: 'discord-secret' };
  const OTHER_APP = { id: '1200000000000000002', secret: 'other-secret' };
  const discord = new FakeDiscord([APP, OTHER_APP]);

  const user: DiscordUser = {
    id: '80351110224678912',
    username: 'nelly',
    global_name: 'Nelly',
    avatar: '8342729096ea3675442027381ff50dfe',
    email: 'nelly@example.com',
    verified: true,
  };

  const app = appWithProviders(discord, (file) => ({
    PROVIDERS_FILE: file.write([
      { id: 'discord', preset: 'discord', clientIds: [APP.id], apiUrl: discord.apiUrl, redirectUris: [REDIRECT_URI] },
    ]),
    PROVIDER_DISCORD_CLIENT_SECRET: APP.secret,
  }));

  const tokenLogin = (accessToken: string) => app.t.http().post('/auth/discord/token').send({ access_token: accessToken });

  it('should sign in through POST /auth/{id}/code, with the avatar URL built from id and hash', async () => {
    const { res } = await loginWithCode(app.t, 'discord', discord.codes, { clientId: APP.id, account: user });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      is_new_user: true,
      user: {
        username: 'nelly',
        name: 'Nelly',
        email: 'nelly@example.com',
        picture: `https://cdn.discordapp.com/avatars/${user.id}/${user.avatar}.png`,
      },
    });
  });

  describe('the access-token flow', () => {
    it('should accept a token of our application, as /oauth2/@me says', async () => {
      const res = await tokenLogin(discord.issueAccessToken(APP.id, user)).expect(200);

      expect(res.body.user).toMatchObject({ username: 'nelly' });
    });

    it('should refuse a token the user gave another application, before reading the profile', async () => {
      const res = await tokenLogin(discord.issueAccessToken(OTHER_APP.id, user)).expect(401);

      expect(res.body.code).toBe('provider_token_audience_mismatch');
      expect(discord.requests.map((r) => r.path)).toEqual(['/api/oauth2/@me']);
      expect(await countRows(app.t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
    });

    it('should answer 401 invalid_provider_token for a token Discord does not know', async () => {
      expect((await tokenLogin('revoked-or-made-up').expect(401)).body.code).toBe('invalid_provider_token');
    });
  });

  it('should answer 400 invalid_authorization_code for a used code (invalid_grant)', async () => {
    const { res, replay } = await loginWithCode(app.t, 'discord', discord.codes, { clientId: APP.id, account: user });
    expect(res.status).toBe(200);

    expect((await replay().expect(400)).body.code).toBe('invalid_authorization_code');
  });
});
