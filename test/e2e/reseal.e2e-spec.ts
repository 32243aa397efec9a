import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SecretBox } from '../../src/common/crypto/secret-box.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { resealProviderTokens } from '../../src/providers/tokens/reseal.js';
import { SocialAccount, tokenPlace } from '../../src/users/entities/social-account.entity.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { GOOGLE_WEB_CLIENT, loginWithGoogle } from '../support/google-login.js';
import { legacySeal } from '../support/legacy-seal.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const CURRENT = { id: 'current', key: randomBytes(32) };
const RETIRED = { id: 'retired', key: randomBytes(32) };

/** `npm run reseal`: every stored provider token sealed for its place under the current key, rows nobody reads included. */
describe(resealProviderTokens.name, () => {
  const google = new FakeGoogle();
  let t: TestApp;
  let box: SecretBox;

  beforeAll(async () => {
    await google.start();
    t = await createTestApp({
      GOOGLE_CLIENT_IDS: GOOGLE_WEB_CLIENT,
      GOOGLE_JWKS_URL: google.jwksUrl,
      ENCRYPTION_KEYS: [CURRENT, RETIRED].map((k) => `${k.id}:${k.key.toString('base64')}`).join(','),
    });
    box = t.app.get(SecretBox);
  });
  afterAll(async () => {
    await t?.close();
    await google.stop();
  });
  beforeEach(() => t.reset());

  const accounts = () => t.dataSource.getRepository(SocialAccount);
  const accountOf = async (sub: string) => accounts().findOneByOrFail({ userId: (await loginWithGoogle(t, google, sub)).user.id });

  it('should seal legacy and retired-key tokens again for their place, keep current ones, and report unreadable ones', async () => {
    const retired = new SecretBox({ encryption: { keys: [RETIRED] } } as AppConfig);
    const [legacy, old, fresh, moved] = [await accountOf('g-1'), await accountOf('g-2'), await accountOf('g-3'), await accountOf('g-4')];
    await accounts().update({ id: legacy.id }, { accessTokenEncrypted: legacySeal(CURRENT.id, CURRENT.key, 'ya29.legacy') });
    await accounts().update(
      { id: old.id },
      { refreshTokenEncrypted: retired.seal('1//old-key', tokenPlace(old.id, 'refreshTokenEncrypted')) },
    );
    const freshSeal = box.seal('ya29.fresh', tokenPlace(fresh.id, 'accessTokenEncrypted'));
    await accounts().update({ id: fresh.id }, { accessTokenEncrypted: freshSeal });
    await accounts().update({ id: moved.id }, { accessTokenEncrypted: freshSeal });

    const report = await resealProviderTokens(t.dataSource, box, 2);

    expect(report).toEqual({ resealed: 2, current: 1, unreadable: [`${moved.id} accessTokenEncrypted`] });
    const opened = async (id: string, column: 'accessTokenEncrypted' | 'refreshTokenEncrypted') =>
      box.open((await accounts().findOneByOrFail({ id }))[column]!, tokenPlace(id, column));
    expect(await opened(legacy.id, 'accessTokenEncrypted')).toEqual({ plaintext: 'ya29.legacy', stale: false });
    expect(await opened(old.id, 'refreshTokenEncrypted')).toEqual({ plaintext: '1//old-key', stale: false });
    expect((await accounts().findOneByOrFail({ id: fresh.id })).accessTokenEncrypted).toBe(freshSeal);
    expect(await resealProviderTokens(t.dataSource, box, 2)).toEqual({
      resealed: 0,
      current: 3,
      unreadable: [`${moved.id} accessTokenEncrypted`],
    });
  });
});
