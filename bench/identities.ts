/** Google identities for the login scenarios: ID tokens signed by the FakeGoogle in the bench process. */
import { CLIENT_ID, google, progress, runId } from './context.js';

/**
 * First-login ID tokens are signed before the scenario (~0.35 ms each), so the signing does not compete with the
 * server: enough for warm-up + measured seconds at the returning-login rate or at POOL_MIN_RATE, whichever is
 * higher, times POOL_MARGIN. First logins can be faster than returning ones (on PostgreSQL, 50 concurrent logins
 * of one user queue on that user's rows).
 */
const POOL_MIN_RATE = 1_500;
const POOL_MARGIN = 1.3;
const POOL_MAX = 60_000;

export function identityClaims(id: string): Record<string, unknown> {
  return {
    sub: `bench-${runId}-${id}`,
    aud: CLIENT_ID,
    email: `bench.${runId}.${id}@gmail.com`,
    email_verified: true,
    name: `Bench User ${id}`,
  };
}

/** A login request body for the identity `id`. */
export async function loginBody(id: string): Promise<string> {
  return JSON.stringify({ id_token: await google.signIdToken(identityClaims(id)) });
}

export interface IdentityPool {
  size: number;
  /** The next body, one per request; wraps around (and counts it) if exhausted. */
  next: () => string;
  reused: () => number;
}

/** Distinct new users for `seconds` of load at `rate` logins/s (at least POOL_MIN_RATE), bodies signed now. */
export async function newIdentityPool(rate: number, seconds: number, prefix: string): Promise<IdentityPool> {
  const size = Math.min(POOL_MAX, Math.ceil(Math.max(rate, POOL_MIN_RATE) * seconds * POOL_MARGIN));
  const started = Date.now();
  progress(`signing ${size} ID tokens for new identities ...`);
  const bodies: string[] = [];
  for (let i = 0; i < size; i++) bodies.push(await loginBody(`${prefix}-${i}`));
  progress(`  signed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let index = 0;
  return {
    size,
    next: () => bodies[index++ % size],
    reused: () => Math.max(0, index - size),
  };
}

/** Flags a pool that ran out (its last requests were returning logins counted as first logins). */
export function poolRanOut(pool: IdentityPool, label: string): string | undefined {
  return pool.reused() > 0
    ? `First login (${label}): the ${pool.size} pre-signed identities ran out; ${pool.reused()} requests reused one ` +
        '(returning logins counted as first logins). Raise POOL_MIN_RATE or POOL_MARGIN in bench/identities.ts.'
    : undefined;
}
