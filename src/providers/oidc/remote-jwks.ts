import {
  createRemoteJWKSet,
  customFetch,
  jwksCache,
  type ExportedJWKSCache,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWKSCacheInput,
  type JWSHeaderParameters,
  type RemoteJWKSet,
} from 'jose';
import { AppError } from '../../common/errors/app-error.js';
import type { ProviderHttpClient } from '../http/provider-http.client.js';

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
  const directives = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache')) return floor;
  const maxAge = directives.map((d) => /^max-age\s*=\s*"?(\d+)"?$/.exec(d)).find(Boolean);
  if (!maxAge) return maxAgeMs;
  return Math.min(maxAgeMs, Math.max(floor, Number(maxAge[1]) * 1000));
}

/**
 * A provider's published signing keys: jose's `createRemoteJWKSet` (cached, one fetch for concurrent callers, an
 * unknown `kid` refetched at most once per cooldown), fetched through `ProviderHttpClient` (its `customFetch`) so
 * timeouts, the size cap, metrics and the 502/504 mapping are those of every other provider call. jose's cache
 * age is fixed per set, so each fetch, whose `Cache-Control` gives its keys their lifetime, or failure, after which
 * the keys we hold serve for the cooldown, makes a new set seeded with the keys (`jwksCache`: no refetch): ADR 0032.
 */
export class RemoteJwks {
  /** The keys we hold and since when (jose's `uat`), seeding every set created here. */
  private readonly cache: Partial<ExportedJWKSCache> = {};
  private lifetimeMs: number;
  private keys: RemoteJWKSet;

  constructor(
    private readonly provider: string,
    private readonly url: string,
    private readonly http: ProviderHttpClient,
    private readonly policy: JwksCachePolicy,
  ) {
    this.lifetimeMs = policy.maxAgeMs;
    this.keys = this.keySet();
  }

  /** A jose key resolver: `jwtVerify(token, jwks.getKey, ...)`. */
  readonly getKey = (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    // jose trusts the wall clock: keys fetched before it stepped back would stay fresh, and an unknown kid
    // cooling down, until the clock caught up. They count from now instead.
    if (this.cache.jwks !== undefined && this.cache.uat! > Date.now()) this.hold(this.cache.jwks, this.lifetimeMs);
    return this.keys(header, token);
  };

  private keySet(): RemoteJWKSet {
    const options = { cacheMaxAge: this.lifetimeMs, cooldownDuration: this.policy.cooldownMs, [jwksCache]: this.cache as JWKSCacheInput };
    return createRemoteJWKSet(new URL(this.url), { ...options, [customFetch]: () => this.fetch() });
  }

  /** Verify with these keys from now on, for this long: a new set seeded with them (jose's cache age is fixed per set). */
  private hold(jwks: JSONWebKeySet, lifetimeMs: number): void {
    Object.assign(this.cache, { jwks, uat: Date.now() });
    this.lifetimeMs = lifetimeMs;
    this.keys = this.keySet();
  }

  private async fetch(): Promise<Response> {
    try {
      const { status, json, cacheControl } = await this.http.send(this.provider, { url: this.url });
      // What jose takes for a key set (its isJwkSet); anything else is the provider's failure, not the token's.
      const keys = (json as { keys?: unknown } | null)?.keys;
      const usable = status === 200 && Array.isArray(keys) && keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k));
      if (!usable) throw new AppError('provider_unavailable', `${this.provider} published no usable signing keys (HTTP ${status})`);
      this.hold(json as JSONWebKeySet, keySetLifetimeMs(cacheControl, this.policy.maxAgeMs));
      return Response.json(json);
    } catch (error) {
      // Failed attempts count too: a provider that is down is not asked again for every junk token within the
      // cooldown; the keys we hold answer meanwhile.
      if (this.cache.jwks !== undefined) this.hold(this.cache.jwks, this.policy.cooldownMs);
      throw error;
    }
  }
}
