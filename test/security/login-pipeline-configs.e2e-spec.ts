import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_PIPELINE } from '../../src/config/app-config.js';
import { pipelineProblems } from '../../src/users/association/pipeline-rules.js';
import { FakeFacebook } from '../fakes/facebook.fake.js';
import { FakeGitHub } from '../fakes/github.fake.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

const GH = { clientId: 'gh', clientSecret: 'gh-s' };
const google = new FakeGoogle();
const github = new FakeGitHub({ clients: [GH] });
const facebook = new FakeFacebook({ appId: 'fb', appSecret: 'fb-s' });

beforeAll(() => Promise.all([google.start(), github.start(), facebook.start()]));
afterAll(() => Promise.all([google.stop(), github.stop(), facebook.stop()]));

const appWith = (env: Record<string, string>) =>
  createTestApp({
    GOOGLE_CLIENT_IDS: 'g',
    GOOGLE_JWKS_URL: google.jwksUrl,
    GITHUB_CLIENT_IDS: GH.clientId,
    GITHUB_CLIENT_SECRETS: GH.clientSecret,
    GITHUB_API_URL: github.apiUrl,
    FACEBOOK_CLIENT_IDS: 'fb',
    FACEBOOK_CLIENT_SECRETS: 'fb-s',
    FACEBOOK_GRAPH_URL: facebook.graphUrl,
    ...env,
  });
const pipelineWithout = (...steps: string[]) => DEFAULT_PIPELINE.filter((s) => !steps.includes(s)).join(',');

const viaGoogle = async (t: TestApp, sub: string, email?: string, extra: Record<string, unknown> = {}) =>
  t
    .http()
    .post('/auth/google/token')
    .send({ id_token: await google.signIdToken({ sub, aud: 'g', email, email_verified: email !== undefined, ...extra }) });
const viaGitHub = (t: TestApp, id: number, login: string, email?: string) =>
  t
    .http()
    .post('/auth/github/token')
    .send({
      access_token: github.issueAccessToken({
        clientId: GH.clientId,
        id,
        login,
        ...(email ? { emails: [{ email, primary: true, verified: true }] } : { scopes: ['read:user'] }),
      }),
    });
const viaFacebook = (t: TestApp, userId: string, email: string) =>
  t
    .http()
    .post('/auth/facebook/token')
    .send({ access_token: facebook.issueAccessToken({ userId, email }) });

describe('LOGIN_PIPELINE without associate_by_email', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appWith({ LOGIN_PIPELINE: pipelineWithout('associate_by_email') });
  });
  afterAll(() => t?.close());

  it('should answer a trusted address another account owns with 409 account_link_required, not 500, creating nothing', async () => {
    const owner = (await viaGoogle(t, 'g-1', 'ada@gmail.com')).body;
    expect(owner.user).toMatchObject({ email: 'ada@gmail.com', email_verified: true });
    const before = await countRows(t.dataSource);

    const res = await viaGitHub(t, 1, 'ada', 'ada@gmail.com').expect(409);

    expect(res.body).toMatchObject({ code: 'account_link_required', details: { provider: 'github', link_token: expect.any(String) } });
    expect(await countRows(t.dataSource)).toEqual(before);
    // The offered link works for the owner, as with associate_by_email's refusals.
    await t
      .http()
      .post('/users/me/social-accounts/link')
      .set('authorization', `Bearer ${owner.access_token}`)
      .send({ link_token: res.body.details.link_token })
      .expect(200);
    expect((await viaGitHub(t, 1, 'ada', 'ada@gmail.com').expect(200)).body.user.id).toBe(owner.user.id);
  });
});

describe('LOGIN_PIPELINE without create_user (sign-up closed)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appWith({ LOGIN_PIPELINE: pipelineWithout('create_user', 'associate_user') });
  });
  afterAll(() => t?.close());

  it('should refuse a person without an account with 403 login_not_allowed, not 500, creating nothing', async () => {
    const res = await viaGoogle(t, 'g-1', 'ada@gmail.com');

    expect([res.status, res.body.code]).toEqual([403, 'login_not_allowed']);
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });
});

/**
 * Property: for any LOGIN_PIPELINE the configuration accepts (a subset of the built-in steps in an order that
 * keeps PIPELINE_RULES), a run of logins that meets every unique column (verified email, shared unverified
 * email, username, returning identity, oversized profile, typed email) answers no 5xx, and a refusal writes
 * nothing. Seeded; PIPELINE_PROPERTY_RUNS and PIPELINE_PROPERTY_SEED make a longer or another run.
 */
describe('any accepted LOGIN_PIPELINE', () => {
  const RUNS = Number(process.env.PIPELINE_PROPERTY_RUNS ?? 8);
  const SEED = Number(process.env.PIPELINE_PROPERTY_SEED ?? 20261206);
  const STEPS = [...DEFAULT_PIPELINE, 'require_email'];
  /** An order every rule agrees with; auth_allowed and require_email have none and go anywhere. */
  const CANON = [
    'social_details',
    'social_uid',
    'social_user',
    'associate_by_email',
    'get_username',
    'create_user',
    'associate_user',
    'load_extra_data',
    'user_details',
  ];
  const NEEDS: Record<string, string[]> = {
    social_user: ['social_uid'],
    associate_by_email: ['social_user'],
    user_details: ['social_details', 'social_user'],
    create_user: ['social_details', 'social_user', 'associate_user'],
    associate_user: ['social_uid', 'social_user'],
  };

  function randomPipeline(random: () => number): string[] {
    const chosen = new Set(STEPS.filter(() => random() < 0.7));
    for (let grew = true; grew;) {
      grew = false;
      for (const step of [...chosen]) for (const need of NEEDS[step] ?? []) if (!chosen.has(need)) grew = chosen.add(need) !== undefined;
    }
    const rank = new Map([...chosen].map((s) => [s, CANON.includes(s) ? CANON.indexOf(s) : random() * CANON.length]));
    return [...chosen].sort((a, b) => rank.get(a)! - rank.get(b)!);
  }

  const pipelines = (() => {
    const random = mulberry32(SEED);
    const picked = [pipelineWithout('associate_by_email').split(','), pipelineWithout('get_username').split(',')];
    while (picked.length < RUNS) picked.push(randomPipeline(random));
    return picked.map((pipeline, i) => ({ pipeline, allowList: i % 2 === 1 }));
  })();

  it('should only draw pipelines the configuration accepts', () => {
    for (const { pipeline } of pipelines) expect(pipelineProblems(pipeline)).toEqual([]);
  });

  it.each(pipelines.map((p) => [p.pipeline.join(','), p.allowList]))(
    '%s (allow-list: %s): no 5xx, and nothing written by a refusal',
    async (pipeline, allowList) => {
      const t = await appWith({
        LOGIN_PIPELINE: String(pipeline),
        ...(allowList ? { LOGIN_ALLOWED_EMAIL_DOMAINS: 'gmail.com,example.com' } : {}),
      });
      try {
        const check = async (label: string, send: () => Promise<{ status: number; body: { details?: { pending_token?: string } } }>) => {
          const before = await countRows(t.dataSource);
          const res = await send();
          expect({ label, status: res.status < 500 ? 'below 500' : res.status }).toEqual({ label, status: 'below 500' });
          if (res.status >= 400) expect({ label, rows: await countRows(t.dataSource) }).toEqual({ label, rows: before });
          return res;
        };
        await check('google, new', () => viaGoogle(t, 'g-1', 'ada@gmail.com', { name: 'Ada Lovelace' }));
        await check('google, returning', () => viaGoogle(t, 'g-1', 'ada@gmail.com', { name: 'Ada L.' }));
        await check('github, same verified address', () => viaGitHub(t, 1, 'ada-gh', 'ada@gmail.com'));
        await check('github, taken username', () => viaGitHub(t, 2, 'ada', 'carol@example.com'));
        await check("facebook, a verified account's address", () => viaFacebook(t, 'fb-1', 'ada@gmail.com'));
        await check('facebook, unverified address', () => viaFacebook(t, 'fb-2', 'bob@example.com'));
        await check('facebook, the same unverified address', () => viaFacebook(t, 'fb-3', 'bob@example.com'));
        await check('google, oversized profile', () =>
          viaGoogle(t, 'g-2', `${'x'.repeat(330)}@gmail.com`, {
            name: 'n'.repeat(600),
            picture: `https://img.example/${'p'.repeat(3000)}`,
          }),
        );
        const paused = await check('github, no email', () => viaGitHub(t, 3, 'noemail'));
        const pendingToken = paused.body.details?.pending_token;
        if (pendingToken)
          await check('complete, typed address a verified account owns', () =>
            t.http().post('/auth/complete').send({ pending_token: pendingToken, email: 'ada@gmail.com' }),
          );
        const pausedAgain = await check('github, no email again', () => viaGitHub(t, 3, 'noemail'));
        const again = pausedAgain.body.details?.pending_token;
        if (again)
          await check('complete, typed unverified address', () =>
            t.http().post('/auth/complete').send({ pending_token: again, email: 'bob@example.com' }),
          );
        await check('google, returning at the end', () => viaGoogle(t, 'g-1', 'ada@gmail.com'));
        // Every address in the unique column is a trusted one, and an account has one address or none.
        const users: Array<{ email: string | null; emailVerified: boolean | number; unverifiedEmail: string | null }> =
          await t.dataSource.query('SELECT "email", "emailVerified", "unverifiedEmail" FROM users');
        for (const u of users)
          expect([u.email !== null && u.unverifiedEmail !== null, Boolean(u.emailVerified)]).toEqual([false, u.email !== null]);
      } finally {
        await t.close();
      }
    },
  );
});

/** A small seeded PRNG (public domain), so a failing draw can be replayed with its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
