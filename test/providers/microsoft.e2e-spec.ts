import { beforeEach, describe, expect, it } from '@jest/globals';
import { CONSUMERS_TENANT, FakeMicrosoft } from '../fakes/microsoft.fake.js';
import type { OidcAccount } from '../fakes/oidc-fake.js';
import { countRows } from '../support/test-app.js';
import { appWithProviders, loginWithCode, REDIRECT_URI } from './provider-kit.js';

/** The `microsoft` preset (src/providers/presets/microsoft.ts) against a fake Entra ID with several tenants. */
describe('the microsoft preset', () => {
  const WEB = { id: 'ms-web-app', secret: 'ms-web-secret' };
  const MOBILE = { id: 'ms-mobile-app' };
  const [TENANT_A, TENANT_B] = ['aaaaaaaa-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002'];
  const ms = new FakeMicrosoft([WEB, MOBILE]);

  /** A user of `tid`; `sub` is pairwise per application, as Entra makes it. */
  const user = (oid: string, tid: string, extra: Record<string, unknown> = {}, app = WEB.id): OidcAccount => ({
    sub: `pairwise-${oid}-${app}`,
    oid,
    tid,
    name: 'Ada Lovelace',
    preferred_username: `ada-${oid}`,
    ...extra,
  });

  const app = appWithProviders(ms, (file) => {
    const entry = (id: string, extra: object = {}) => ({
      id,
      preset: 'microsoft',
      clientIds: [WEB.id, MOBILE.id],
      instance: ms.baseUrl,
      redirectUris: [REDIRECT_URI],
      ...extra,
    });
    return {
      PROVIDERS_FILE: file.write([
        entry('microsoft', { trustEmailForLinking: true }),
        entry('ms-contoso', { allowedTenants: [TENANT_A] }),
        entry('ms-work', { tenant: 'organizations' }),
        entry('ms-bad-secret'),
      ]),
      PROVIDER_MICROSOFT_CLIENT_SECRET: WEB.secret,
      PROVIDER_MS_CONTOSO_CLIENT_SECRET: WEB.secret,
      PROVIDER_MS_WORK_CLIENT_SECRET: WEB.secret,
      PROVIDER_MS_BAD_SECRET_CLIENT_SECRET: 'not-the-secret',
    };
  });

  const idTokenLogin = (provider: string, claims: Record<string, unknown>) =>
    app.t.http().post(`/auth/${provider}/token`).send({ id_token: claims.id_token });
  const signed = async (account: OidcAccount, overrides: Record<string, unknown> = {}, aud = MOBILE.id) => ({
    id_token: await ms.signIdToken({ ...account, iss: ms.issuerFor(account), aud, ...overrides }),
  });

  it('should sign in through POST /auth/{id}/code with tenant common, whose discovery names the issuer template', async () => {
    const { res } = await loginWithCode(app.t, 'microsoft', ms.codes, {
      clientId: WEB.id,
      account: user('oid-1', TENANT_A, { email: 'ada@contoso.example' }),
    });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      is_new_user: true,
      token_type: 'Bearer',
      user: { email: 'ada@contoso.example', email_verified: false, name: 'Ada Lovelace' },
    });
    const accounts = await app.t
      .http()
      .get('/users/me/social-accounts')
      .set('authorization', `Bearer ${res.body.access_token}`)
      .expect(200);
    expect(accounts.body).toEqual([expect.objectContaining({ provider: 'microsoft', uid: 'oid-1' })]);
  });

  it('should know the user by oid, so the mobile app (another pairwise sub) finds the same account', async () => {
    const web = await loginWithCode(app.t, 'microsoft', ms.codes, { clientId: WEB.id, account: user('oid-1', TENANT_A) });
    const mobile = await idTokenLogin('microsoft', await signed(user('oid-1', TENANT_A, {}, MOBILE.id)));

    expect(mobile.status).toBe(200);
    expect(mobile.body).toMatchObject({ is_new_user: false, user: { id: web.res.body.user.id } });
  });

  describe('issuer validation across tenants', () => {
    it('should refuse a token whose iss names another tenant than its tid', async () => {
      const forged = await signed(user('oid-2', TENANT_B), { iss: `${ms.baseUrl}/${TENANT_A}/v2.0` });

      const res = await idTokenLogin('microsoft', forged).expect(401);

      expect(res.body).toMatchObject({ code: 'invalid_provider_token', message: expect.stringContaining('"iss"') });
      expect(await countRows(app.t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
    });

    it('should refuse a tid that is not a GUID, which would make the issuer anything', async () => {
      const account = user('oid-2', 'evil.example/v2.0?');
      expect((await idTokenLogin('microsoft', await signed(account)).expect(401)).body.code).toBe('invalid_provider_token');
    });

    it('should admit only the allowed tenants, and personal accounts not with tenant organizations', async () => {
      await idTokenLogin('ms-contoso', await signed(user('oid-3', TENANT_A))).expect(200);
      expect((await idTokenLogin('ms-contoso', await signed(user('oid-4', TENANT_B))).expect(403)).body.code).toBe('login_not_allowed');
      expect((await idTokenLogin('ms-work', await signed(user('oid-5', CONSUMERS_TENANT))).expect(403)).body.code).toBe(
        'login_not_allowed',
      );
      await idTokenLogin('ms-work', await signed(user('oid-6', TENANT_B))).expect(200);
    });
  });

  describe('email trust', () => {
    const EMAIL = 'grace@contoso.example';

    beforeEach(async () => {
      await loginWithCode(app.t, 'microsoft', ms.codes, {
        clientId: WEB.id,
        account: user('oid-home', TENANT_A, { email: EMAIL, xms_edov: true }),
      });
    });

    it('should not link by an email without a verified claim: another tenant may set any address on its users', async () => {
      const { res } = await loginWithCode(app.t, 'microsoft', ms.codes, {
        clientId: WEB.id,
        account: user('oid-guest', TENANT_B, { email: EMAIL }),
      });

      expect(res.status).toBe(409);
      expect(res.body.code).toBe('account_link_required');
    });

    it('should link by an email whose domain owner is verified (xms_edov) when the declaration trusts it', async () => {
      const { res } = await loginWithCode(app.t, 'microsoft', ms.codes, {
        clientId: WEB.id,
        account: user('oid-guest', TENANT_B, { email: EMAIL, xms_edov: true }),
      });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ is_new_user: false, user: { email: EMAIL, email_verified: true } });
    });
  });

  describe("the token endpoint's errors", () => {
    it('should answer 400 invalid_authorization_code for a code redeemed twice (AADSTS70008 invalid_grant)', async () => {
      const { res, replay } = await loginWithCode(app.t, 'microsoft', ms.codes, { clientId: WEB.id, account: user('oid-1', TENANT_A) });
      expect(res.status).toBe(200);

      expect((await replay().expect(400)).body.code).toBe('invalid_authorization_code');
    });

    it('should answer 502 provider_unavailable when Entra refuses our client secret (invalid_client)', async () => {
      const { res } = await loginWithCode(app.t, 'ms-bad-secret', ms.codes, { clientId: WEB.id, account: user('oid-1', TENANT_A) });

      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'provider_unavailable' });
      // The provider's error name is for our log, not for anonymous clients (issue 11).
      expect(JSON.stringify(res.body)).not.toContain('invalid_client');
    });
  });
});
