import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { legacySeal } from '../../test/support/legacy-seal.js';
import { sha256 } from '../common/crypto/random.js';
import { SecretBox } from '../common/crypto/secret-box.js';
import { loadConfig } from '../config/app-config.js';
import { MemoryOneTimeStore } from './one-time-store.js';
import { SealedTickets } from './sealed-tickets.js';

describe(SealedTickets.name, () => {
  const key = randomBytes(32);
  const store = new MemoryOneTimeStore();
  const sut = new SealedTickets(store, new SecretBox(loadConfig({ NODE_ENV: 'test', ENCRYPTION_KEYS: `k1:${key.toString('base64')}` })));
  afterEach(() => store.onModuleDestroy());

  /** What someone who can write the store (not forge a seal) does: moves a sealed payload under another key. */
  const move = async (from: string, to: string) => store.putValue(to, (await store.takeValue(from))!, 60);

  it('should give the payload back once, for its kind', async () => {
    const token = await sut.issue('pending-login', { step: 'require_email' }, 60);

    expect(await sut.redeem('link-token', token)).toBeUndefined();
    expect(await sut.redeem('pending-login', token)).toEqual({ step: 'require_email' });
    expect(await sut.redeem('pending-login', token)).toBeUndefined();
  });

  it('should not open a payload moved under another ticket of its kind', async () => {
    const [victims, mine] = [await sut.issue('login-code', { userId: 'victim' }, 60), await sut.issue('login-code', { userId: 'me' }, 60)];
    await store.takeValue(`login-code:${sha256(mine)}`);
    await move(`login-code:${sha256(victims)}`, `login-code:${sha256(mine)}`);

    expect(await sut.redeem('login-code', mine)).toBeUndefined();
  });

  it('should not open a payload moved under another kind with its own token', async () => {
    const token = await sut.issue('pending-login', { identity: 'sealed for a paused login' }, 60);
    await move(`pending-login:${sha256(token)}`, `link-token:${sha256(token)}`);

    expect(await sut.redeem('link-token', token)).toBeUndefined();
  });

  it('should still open a ticket sealed before seals were bound to their place (issued just before an upgrade)', async () => {
    const token = 'a-ticket-issued-by-the-previous-version';
    await store.putValue(`login-code:${sha256(token)}`, legacySeal('k1', key, JSON.stringify({ userId: 'u1' })), 60);

    expect(await sut.redeem('login-code', token)).toEqual({ userId: 'u1' });
  });
});
