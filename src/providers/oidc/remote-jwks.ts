import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import { AppError } from '../../common/errors/app-error.js';
import type { ProviderHttpClient } from '../../common/http/provider-http.client.js';

export interface JwksCachePolicy {
  /** Refetch a key set older than this even when every kid is known (providers rotate every few days). */
  maxAgeMs: number;
  /** An unknown kid triggers a refetch at most this often, so garbage tokens cannot make us hammer the provider. */
  cooldownMs: number;
}

/**
 * A provider's published signing keys, cached. Same policy as jose's createRemoteJWKSet (cache, refetch on
 * unknown `kid` with a cooldown), but fetched through `ProviderHttpClient` so timeouts and failures map to
 * our 502/504 codes like every other provider call.
 */
export class RemoteJwks {
  private keySet: ReturnType<typeof createLocalJWKSet> | undefined;
  private fetchedAt = 0;
  /** Failed attempts count too: a provider that is down must not be asked again for every junk token. */
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly provider: string,
    private readonly url: string,
    private readonly http: ProviderHttpClient,
    private readonly policy: JwksCachePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** A jose key resolver: `jwtVerify(token, jwks.getKey, ...)`. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    const stale = !this.keySet || this.now() - this.fetchedAt > this.policy.maxAgeMs;
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
    const { status, json } = await this.http.send(this.provider, { url: this.url });
    const keys = (json as { keys?: unknown } | null)?.keys;
    if (status !== 200 || !Array.isArray(keys)) {
      throw new AppError('provider_unavailable', `${this.provider} published no usable signing keys (HTTP ${status})`);
    }
    this.keySet = createLocalJWKSet({ keys } as JSONWebKeySet);
    this.fetchedAt = this.now();
  }
}
