import { labelledHash } from '../common/crypto/random.js';
import type { AuthenticatedUser } from '../common/decorators/current-user.decorator.js';

/** Body fields that name who is asking on public auth routes, by the credential presented. */
const PRESENTED_TOKENS = [
  { field: 'refresh_token', kind: 'refresh' },
  { field: 'access_token', kind: 'provider' },
  { field: 'id_token', kind: 'provider' },
  { field: 'pending_token', kind: 'pending' },
] as const;

export interface RateLimitedRequest {
  auth?: AuthenticatedUser;
  body?: unknown;
}

/**
 * Who a request counts against for `RATE_LIMIT_AUTH_PER_IDENTITY`: the user on authenticated routes (set by
 * JwtAuthGuard); on public ones the refresh token (`/auth/refresh`, `/auth/logout`) or provider token
 * (`/auth/{provider}/token`) presented, as a SHA-256 labelled for this use, so no credential becomes a storage key,
 * nor the hash the database looks a refresh token up by (`refresh_tokens.tokenHash`). Read from the
 * body by field, not by route, so a new route taking one of these tokens is covered. `undefined` (a nonce
 * request, a body without a token): the per-IP limit alone applies.
 */
export function rateLimitIdentity(req: RateLimitedRequest): string | undefined {
  if (req.auth) return `user:${req.auth.userId}`;
  const body = req.body;
  if (typeof body !== 'object' || body === null) return undefined;
  for (const { field, kind } of PRESENTED_TOKENS) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && value !== '') return `${kind}:${labelledHash(`rate-limit:${kind}`, value)}`;
  }
  return undefined;
}
