import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeGitHub } from '../fakes/github.fake.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import { countRows, type TestApp } from '../support/test-app.js';

const GH = { clientId: 'gh-app', clientSecret: 'gh-secret' };
const PATH = '/users/me/social-accounts';

/** Connected accounts: list, connect with a provider token (verified like a login), disconnect. */
describe('/users/me/social-accounts', () => {
  const github = new FakeGitHub({ clients: [GH] });
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => {
    await github.start();
    ({ t, google } = await createAppWithGoogle({
      GITHUB_CLIENT_IDS: GH.clientId,
      GITHUB_CLIENT_SECRETS: GH.clientSecret,
      GITHUB_API_URL: github.apiUrl,
    }));
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([google?.stop(), github.stop()]);
  });
  beforeEach(async () => {
    github.reset();
    await t.reset();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const ghToken = (id = 7) =>
    github.issueAccessToken({
      clientId: GH.clientId,
      id,
      login: `gh${id}`,
      emails: [{ email: `gh${id}@example.com`, primary: true, verified: true }],
    });
  const list = async (token: string) =>
    (await t.http().get(PATH).set(bearer(token)).expect(200)).body as Array<{ id: string; provider: string; uid: string }>;
  const connect = (token: string, accessToken: string) =>
    t.http().post(`${PATH}/github`).set(bearer(token)).send({ access_token: accessToken });

  it("should list the signed-in user's identities without any token", async () => {
    const ada = await loginWithGoogle(t, google, 'g-1');
    const accounts = await list(ada.access_token);
    expect(accounts).toEqual([{ id: expect.any(String), provider: 'google', uid: 'g-1', created_at: expect.any(String) }]);
  });

  it('should connect GitHub to a Google user, store its token encrypted, and sign that user in with it', async () => {
    const ada = await loginWithGoogle(t, google, 'g-1');
    const accessToken = ghToken();
    const res = await connect(ada.access_token, accessToken).expect(200);
    expect(res.body).toEqual({ id: expect.any(String), provider: 'github', uid: '7', created_at: expect.any(String) });
    expect((await list(ada.access_token)).map((a) => a.provider).sort()).toEqual(['github', 'google']);
    const [row] = await t.dataSource.query(`SELECT "accessTokenEncrypted", "extraData" FROM social_accounts WHERE provider = 'github'`);
    expect(row.accessTokenEncrypted).toMatch(/^v2\./);
    expect(row.accessTokenEncrypted).not.toContain(accessToken);
    expect(JSON.parse(row.extraData)).toMatchObject({ login: 'gh7' });
    const login = await t.http().post('/auth/github/token').send({ access_token: accessToken }).expect(200);
    expect(login.body).toMatchObject({ is_new_user: false, user: { id: ada.user.id } });
  });

  it('should be idempotent for an identity the user already has', async () => {
    const ada = await loginWithGoogle(t, google, 'g-1');
    const first = await connect(ada.access_token, ghToken()).expect(200);
    const again = await connect(ada.access_token, ghToken()).expect(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await countRows(t.dataSource)).toMatchObject({ users: 1, social_accounts: 2 });
  });

  it('should refuse an identity of another user with 409 social_account_in_use, changing nothing', async () => {
    const owner = (await t.http().post('/auth/github/token').send({ access_token: ghToken() }).expect(200)).body;
    const ada = await loginWithGoogle(t, google, 'g-1');
    const before = await t.dataSource.query('SELECT * FROM social_accounts ORDER BY id');
    const res = await connect(ada.access_token, ghToken()).expect(409);
    expect(res.body).toEqual({ statusCode: 409, code: 'social_account_in_use', message: expect.any(String) });
    expect(await t.dataSource.query('SELECT * FROM social_accounts ORDER BY id')).toEqual(before);
    expect((await list(owner.access_token)).map((a) => a.provider)).toEqual(['github']);
  });

  it('should let exactly one of two users connecting one identity at once win; the other gets 409', async () => {
    const [ada, bob] = [await loginWithGoogle(t, google, 'g-1'), await loginWithGoogle(t, google, 'g-2')];
    const statuses = (await Promise.all([connect(ada.access_token, ghToken()), connect(bob.access_token, ghToken())])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 409]);
    expect(await countRows(t.dataSource)).toMatchObject({ social_accounts: 3 });
  });

  it.each([
    [502, 'provider_unavailable', 'is down', { kind: 'status' as const, status: 503 }],
    [504, 'provider_timeout', 'is slower than the timeout', { kind: 'slow' as const, delayMs: 1500 }],
  ])('should answer %i %s when the provider %s, connecting nothing', async (status, code, _what, fault) => {
    const ada = await loginWithGoogle(t, google, 'g-1');
    github.setFault(fault);
    expect((await connect(ada.access_token, ghToken()).expect(status)).body.code).toBe(code);
    expect(await countRows(t.dataSource)).toMatchObject({ users: 1, social_accounts: 1 });
  });

  it('should refuse an invalid provider token with 401 and a connect without our token with 401', async () => {
    const ada = await loginWithGoogle(t, google, 'g-1');
    expect((await connect(ada.access_token, 'not-a-github-token').expect(401)).body.code).toBe('invalid_provider_token');
    expect((await t.http().post(`${PATH}/github`).send({ access_token: ghToken() }).expect(401)).body.code).toBe('invalid_token');
    expect(await countRows(t.dataSource)).toMatchObject({ social_accounts: 1 });
  });

  it('should disconnect one of two accounts (204) but never the last one (409 last_login_method)', async () => {
    const ada = await loginWithGoogle(t, google, 'g-1');
    const gh = (await connect(ada.access_token, ghToken()).expect(200)).body;
    await t.http().delete(`${PATH}/${gh.id}`).set(bearer(ada.access_token)).expect(204);
    const [last] = await list(ada.access_token);
    expect(last).toMatchObject({ provider: 'google' });
    const res = await t.http().delete(`${PATH}/${last.id}`).set(bearer(ada.access_token)).expect(409);
    expect(res.body.code).toBe('last_login_method');
    expect(await list(ada.access_token)).toHaveLength(1);
  });

  it("should answer 404 for another user's account and leave it", async () => {
    const ada = await loginWithGoogle(t, google, 'g-1');
    const bob = await loginWithGoogle(t, google, 'g-2');
    await connect(bob.access_token, ghToken()).expect(200);
    const [bobsGoogle] = await list(bob.access_token);
    expect((await t.http().delete(`${PATH}/${bobsGoogle.id}`).set(bearer(ada.access_token)).expect(404)).body.code).toBe('not_found');
    expect(await list(bob.access_token)).toHaveLength(2);
  });
});
