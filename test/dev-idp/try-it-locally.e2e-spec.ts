import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signInThroughDevIdp } from '../../src/cli/dev-idp-sign-in.js';
import { SocialAccount } from '../../src/users/entities/social-account.entity.js';
import { docSection, exportedVariables, fencedBlocks } from '../support/doc-snippets.js';
import { startAppWithDevIdp, type ListeningApp } from './dev-idp-app.js';
import { startAuthorization, submitLogin } from './dev-idp-flow.js';

/**
 * docs/adding-a-provider.md, "Try it locally", done as written: its providers file and its `export` lines, read from
 * the page, with only the origin changed (this app listens on a free port, not 3000); then the redirect flow by the
 * function behind `npm run dev:login`, and the code and token flows as its frontend steps say.
 */
const section = docSection('docs/adding-a-provider.md', '## Try it locally');
const DOC_ORIGIN = 'http://localhost:3000';
const SPA_CALLBACK = 'http://localhost:5173/callback';

describe('docs/adding-a-provider.md "Try it locally": a declared oidc provider against the dev IdP', () => {
  let t: ListeningApp;
  const dir = mkdtempSync(join(tmpdir(), 'try-it-locally-'));

  beforeAll(async () => {
    const exported = exportedVariables(fencedBlocks(section, 'bash')[0]);
    t = await startAppWithDevIdp((url) => {
      const here = (text: string) => text.replaceAll(DOC_ORIGIN, url);
      writeFileSync(join(dir, exported.PROVIDERS_FILE), here(fencedBlocks(section, 'yaml')[0]));
      const env = Object.fromEntries(Object.entries(exported).map(([key, value]) => [key, here(value)]));
      return { ...env, PROVIDERS_FILE: join(dir, exported.PROVIDERS_FILE) };
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const nonce = async () => (await t.http().get('/auth/acme/nonce').expect(200)).body.nonce as string;
  /** The frontend's authorization at the dev IdP: the username form submitted, the code its callback receives. */
  async function authorize(clientId: string, username: string, withNonce: string) {
    const { attempt, url, res } = await startAuthorization(t.issuer, clientId, SPA_CALLBACK, { nonce: withNonce });
    const callback = await submitLogin(attempt, { url, res }, username);
    return { code: callback.get('code')!, verifier: attempt.verifier };
  }
  const uidOf = async (userId: string) =>
    (await t.dataSource.getRepository(SocialAccount).findOneByOrFail({ userId, provider: 'acme' })).uid;

  it('should declare the provider from the page, with its three flows', async () => {
    const { providers } = (await t.http().get('/auth/providers').expect(200)).body;
    expect(providers).toContainEqual(
      expect.objectContaining({ id: 'acme', display_name: 'Acme (local)', client_ids: ['acme-web', 'acme-spa'] }),
    );
    expect(providers.find((p: { id: string }) => p.id === 'acme').flows).toEqual(expect.arrayContaining(['id_token', 'code', 'redirect']));
  });

  it('should sign in through the redirect flow as `npm run dev:login -- ada --provider acme` does', async () => {
    const tokens = await signInThroughDevIdp({ baseUrl: t.url, provider: 'acme', username: 'ada', returnTo: `${t.url}/demo` });

    expect(tokens).toMatchObject({ token_type: 'Bearer', is_new_user: true, user: { email: 'ada@dev-idp.localhost' } });
    const me = await t
      .http()
      .get('/users/me')
      .set('authorization', `Bearer ${tokens.access_token as string}`)
      .expect(200);
    expect(await uidOf(me.body.id)).toBe('ada');
  });

  it("should sign in through the code flow: acme-web's code, redeemed by us with its secret, PKCE and the nonce", async () => {
    const n = await nonce();
    const { code, verifier } = await authorize('acme-web', 'grace', n);

    const res = await t
      .http()
      .post('/auth/acme/code')
      .send({ code, redirect_uri: SPA_CALLBACK, code_verifier: verifier, nonce: n })
      .expect(200);

    expect(res.body).toMatchObject({ is_new_user: true, user: { email: 'grace@dev-idp.localhost' } });
    expect(await uidOf(res.body.user.id)).toBe('grace');
  });

  it('should sign in through the token flow: acme-spa redeems its own code from its page (CORS) and hands us the ID token', async () => {
    const n = await nonce();
    const { code, verifier } = await authorize('acme-spa', 'linus', n);
    const redeem = (origin: string) =>
      fetch(`${t.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: 'acme-spa',
          code,
          redirect_uri: SPA_CALLBACK,
          code_verifier: verifier,
        }),
      });

    const refused = await redeem('http://elsewhere.localhost:5173');
    expect(refused.status).toBe(400);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await redeem('http://localhost:5173');
    expect(answer.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const { id_token: idToken } = (await answer.json()) as { id_token: string };

    const res = await t.http().post('/auth/acme/token').send({ id_token: idToken }).expect(200);
    expect(res.body).toMatchObject({ is_new_user: true, user: { email: 'linus@dev-idp.localhost' } });
    // The nonce was spent: the same ID token cannot sign in twice.
    expect((await t.http().post('/auth/acme/token').send({ id_token: idToken }).expect(400)).body.code).toBe('invalid_nonce');
  });
});
