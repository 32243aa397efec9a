import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeGitHub } from '../fakes/github.fake.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

/** Google and GitHub declared like any preset, under ids of the operator's choosing, with every check of their aliases. */
describe('the built-in providers as presets of a declaration (ADR 0034)', () => {
  const WEB = { clientId: 'Iv1.web', clientSecret: 'web-secret' };
  const OTHER = { clientId: 'Iv1.someone-else', clientSecret: 'other-secret' };
  const GOOGLE_WEB = 'web.apps.googleusercontent.com';
  const github = new FakeGitHub({ clients: [WEB, OTHER] });
  const google = new FakeGoogle();
  const dir = mkdtempSync(join(tmpdir(), 'built-in-presets-'));
  let t: TestApp;

  beforeAll(async () => {
    await Promise.all([github.start(), google.start()]);
    const file = join(dir, 'providers.yaml');
    writeFileSync(
      file,
      [
        'providers:',
        '  - id: workspace',
        '    preset: google',
        `    clientIds: [${GOOGLE_WEB}]`,
        `    tokeninfoUrl: ${google.tokeninfoUrl}`,
        `    userinfoUrl: ${google.userinfoUrl}`,
        `    jwksUrl: ${google.jwksUrl}`,
        '',
      ].join('\n'),
    );
    t = await createTestApp({
      PROVIDERS_FILE: file,
      PROVIDERS: 'octo',
      PROVIDER_OCTO_PRESET: 'github',
      PROVIDER_OCTO_CLIENT_IDS: WEB.clientId,
      PROVIDER_OCTO_CLIENT_SECRET: WEB.clientSecret,
      PROVIDER_OCTO_API_URL: github.apiUrl,
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([github.stop(), google.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    github.reset();
    google.reset();
    await t.reset();
  });

  it("should sign in with a GitHub token of our OAuth app, checked at GitHub with our app's credentials", async () => {
    const token = github.issueAccessToken({
      clientId: WEB.clientId,
      id: 583231,
      login: 'octocat',
      emails: [{ email: 'octo@github.test', primary: true, verified: true }],
    });

    const res = await t.http().post('/auth/octo/token').send({ access_token: token }).expect(200);

    expect(res.body.user).toMatchObject({ username: 'octocat', email: 'octo@github.test', email_verified: true });
    expect(github.requests.find((r) => r.method === 'POST')?.path).toBe(`/applications/${WEB.clientId}/token`);
  });

  it("should refuse a GitHub token of someone else's OAuth app, creating nothing", async () => {
    const res = await t
      .http()
      .post('/auth/octo/token')
      .send({ access_token: github.issueAccessToken({ clientId: OTHER.clientId, id: 1, login: 'victim' }) })
      .expect(401);

    expect(res.body.code).toBe('invalid_provider_token');
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });

  it('should sign in with a Google access token issued to our client, and refuse one issued to another', async () => {
    const ours = google.issueAccessToken({ sub: 'g-1', aud: GOOGLE_WEB, email: 'ada@gmail.com', emailVerified: true, name: 'Ada' });
    const theirs = google.issueAccessToken({
      sub: 'g-2',
      aud: 'other.apps.googleusercontent.com',
      email: 'eve@gmail.com',
      emailVerified: true,
    });

    await t.http().post('/auth/workspace/token').send({ access_token: ours }).expect(200);
    const res = await t.http().post('/auth/workspace/token').send({ access_token: theirs }).expect(401);

    expect(res.body.code).toBe('provider_token_audience_mismatch');
  });
});
