import type { User } from '../users/entities/user.entity.js';

/** OpenID Connect claims per scope (the ID token and our userinfo endpoint answer the same). */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  profile: ['name', 'preferred_username', 'given_name', 'family_name', 'picture', 'updated_at'],
  email: ['email', 'email_verified'],
} as const;

/** The claims these scopes allow, of all the user's. */
export function claimsForScopes(user: User, scopes: ReadonlySet<string>): Record<string, unknown> {
  const all: Record<string, unknown> = {
    sub: user.id,
    name: user.name ?? undefined,
    preferred_username: user.username,
    given_name: user.firstName ?? undefined,
    family_name: user.lastName ?? undefined,
    picture: user.picture ?? undefined,
    updated_at: user.updatedAt ? Math.floor(user.updatedAt.getTime() / 1000) : undefined,
    // As /users/me shows it: the trusted address, else the one nobody vouched for, which says `email_verified: false`
    // (docs/email-trust.md). A client must not treat an unverified address as proof of anything.
    email: user.email ?? user.unverifiedEmail ?? undefined,
    email_verified: user.email ? user.emailVerified : user.unverifiedEmail ? false : undefined,
  };
  const allowed = Object.entries(CLAIMS_BY_SCOPE).flatMap(([scope, names]) => (scopes.has(scope) ? names : []));
  return Object.fromEntries(allowed.filter((name) => all[name] !== undefined).map((name) => [name, all[name]]));
}
