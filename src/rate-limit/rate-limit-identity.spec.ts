import { describe, expect, it } from '@jest/globals';
import { randomToken, sha256 } from '../common/crypto/random.js';
import { rateLimitIdentity } from './rate-limit-identity.js';

describe(rateLimitIdentity.name, () => {
  it('should count a refresh token under a hash that is not the one refresh_tokens.tokenHash stores', () => {
    const token = randomToken();

    const identity = rateLimitIdentity({ body: { refresh_token: token } })!;

    expect(identity).toMatch(/^refresh:[\w-]{43}$/);
    expect(identity).not.toContain(sha256(token));
  });

  it('should count a pending token under a hash that is not its one-time store key', () => {
    const token = randomToken();

    expect(rateLimitIdentity({ body: { pending_token: token } })).not.toContain(sha256(token));
  });

  it('should count one token as one identity, and the same value presented as another kind apart', () => {
    const token = randomToken();

    expect(rateLimitIdentity({ body: { refresh_token: token } })).toBe(rateLimitIdentity({ body: { refresh_token: token } }));
    expect(rateLimitIdentity({ body: { refresh_token: token } })!.split(':')[1]).not.toBe(
      rateLimitIdentity({ body: { pending_token: token } })!.split(':')[1],
    );
  });
});
