import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import { AppError } from '../../common/errors/app-error.js';
import type { ProviderHttpClient } from '../../common/http/provider-http.client.js';

export interface JwksCachePolicy {
  /**
   * Refetch a key set older than this even when every kid is known (providers rotate every few days). The ceiling:
   * a key set whose `Cache-Control` says less is refetched sooner (down to `MIN_KEY_SET_LIFETIME_MS`).
   */
  maxAgeMs: number;
  /** An unknown kid triggers a refetch at most this often, so garbage tokens cannot make us hammer the provider. */
  cooldownMs: number;
}

/**
 * The least time a key set is kept, whatever its `Cache-Control` says (`no-store`, `max-age=0`): a provider, or
 * whoever answers in its name, must not make us fetch its keys for every token.
 */
export const MIN_KEY_SET_LIFETIME_MS = 60_000;

/**
 * How long a key set may be used, from its answer's `Cache-Control` (RFC 9111 5.2.2): `max-age` within
 * [MIN_KEY_SET_LIFETIME_MS, maxAgeMs], `no-store`/`no-cache` the floor, nothing said our own `maxAgeMs`. A provider
 * that removes a key and says its set lives minutes gets the key refused within minutes, not at our ceiling.
 */
export function keySetLifetimeMs(cacheControl: string | undefined, maxAgeMs: number): number {
  const floor = Math.min(MIN_KEY_SET_LIFETIME_MS, maxAgeMs);
  const directives = (cacheControl ?? '').toLowerCase().split(',').map((d) => d.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache')) return floor;
  const maxAge = directives.map((d) => /^max-age\s*=\s*"?(\d+)"?$/.exec(d)).find(Boolean);
  if (!maxAge) return maxAgeMs;
  return Math.min(maxAgeMs, Math.max(floor, Number(maxAge[1]) * 1000));
}

/**
 * A provider's published signing keys, cached. Same policy as jose's createRemoteJWKSet (cache, refetch on
 * unknown `kid` with a cooldown), but fetched through `ProviderHttpClient` so timeouts and failures map to
 * our 502/504 codes like every other provider call.
 */
export class RemoteJwks {
  private keySet: ReturnType<typeof createLocalJWKSet> | undefined;
  private fetchedAt = 0;
  /** This key set's lifetime, from its `Cache-Control` (keySetLifetimeMs). */
  private lifetimeMs: number;
  /** Failed attempts count too: a provider that is down must not be asked again for every junk token. */
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly provider: string,
    private readonly url: string,
    private readonly http: ProviderHttpClient,
    private readonly policy: JwksCachePolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.lifetimeMs = policy.maxAgeMs;
  }

  /** A jose key resolver: `jwtVerify(token, jwks.getKey, ...)`. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    const stale = !this.keySet || this.now() - this.fetchedAt > this.lifetimeMs;
    if (stale && (!this.keySet || this.now() - this.attemptedAt >= this.policy.cooldownMs)) await this.refresh();
    try {
      return await this.keySet!(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || this.now() - this.attemptedAt < this.policy.cooldownMs) throw error;
      await this.refresh();
      return this.keySet!(header, token);
    }
  };

  private refresh(): Promise<void> {
    if (!this.inflight) this.attemptedAt = this.now();
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetch(): Promise<void> {
    const { status, json, cacheControl } = await this.http.send(this.provider, { url: this.url });
    const keys = (json as { keys?: unknown } | null)?.keys;
    let keySet: ReturnType<typeof createLocalJWKSet> | undefined;
    try {
      // jose refuses a set whose keys are not objects; such a set is the provider's failure, not the token's.
      if (status === 200 && Array.isArray(keys)) keySet = createLocalJWKSet({ keys } as JSONWebKeySet);
    } catch {
      keySet = undefined;
    }
    if (!keySet) throw new AppError('provider_unavailable', `${this.provider} published no usable signing keys (HTTP ${status})`);
    this.keySet = keySet;
    this.fetchedAt = this.now();
    this.lifetimeMs = keySetLifetimeMs(cacheControl, this.policy.maxAgeMs);
  }
}
