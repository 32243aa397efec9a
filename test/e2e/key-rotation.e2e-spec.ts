import { afterEach, describe, expect, it } from '@jest/globals';
import { nextKeys } from '../../src/auth/tokens/key-rotation.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { TEST_SIGNING_KEY_PEM } from '../fixtures/keys.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import type { TestApp } from '../support/test-app.js';

/**
 * The three deploys of a rotation, as instances with each JWT_PRIVATE_KEYS value would see them: at no step does
 * an instance refuse a token that an instance of the previous or the same step issued.
 */
describe('signing-key rotation across deploys', () => {
  const running: Array<{ t: TestApp; google: FakeGoogle }> = [];
  afterEach(async () => {
    for (const { t, google } of running.splice(0)) {
      await t.close();
      await google.stop();
    }
  });

  const instanceWith = async (keys: string[]) => {
    const app = await createAppWithGoogle({ JWT_PRIVATE_KEYS: keys.join('\n') });
    running.push(app);
    return app;
  };
  // /auth/sessions needs a valid signature but no user row (instances here do not share a database).
  const accepts = async (on: TestApp, accessToken: string) =>
    (await on.http().get('/auth/sessions').set('authorization', `Bearer ${accessToken}`)).status;

  it('should keep every token valid through stage, promote and retire, then refuse the retired key', async () => {
    const staged = nextKeys('stage', [TEST_SIGNING_KEY_PEM], 'ES256');
    const promoted = nextKeys('promote', staged, 'ES256');
    const retired = nextKeys('retire', promoted, 'ES256');

    const before = await instanceWith([TEST_SIGNING_KEY_PEM]);
    const oldToken = (await loginWithGoogle(before.t, before.google)).access_token;
    const stage = await instanceWith(staged);
    const promote = await instanceWith(promoted);
    const retire = await instanceWith(retired);

    const newToken = (await loginWithGoogle(promote.t, promote.google)).access_token;
    const kid = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid as string;
    expect(kid(newToken)).not.toBe(kid(oldToken));

    expect(await accepts(stage.t, oldToken)).toBe(200);
    expect(await accepts(stage.t, newToken)).toBe(200);
    expect(await accepts(promote.t, oldToken)).toBe(200);
    expect(await accepts(retire.t, newToken)).toBe(200);
    const refused = await retire.t.http().get('/auth/sessions').set('authorization', `Bearer ${oldToken}`);
    expect(refused.body).toEqual({ statusCode: 401, code: 'invalid_token', message: 'The access token is not signed by a key of ours' });
  });
});
