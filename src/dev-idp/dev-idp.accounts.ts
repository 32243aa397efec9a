/**
 * The dev IdP has no user store: an account is whatever username was typed, and its claims are derived from it,
 * so the same name signs in as the same user across sign-ins and restarts.
 */

/** `Ada Lovelace` → `ada-lovelace` (the subject); empty when nothing usable was typed. */
export function slugify(username: string): string {
  return username
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
}

export interface DevIdpClaims {
  sub: string;
  name: string;
  preferred_username: string;
  email: string;
  email_verified: true;
}

/** `.localhost` (RFC 6761) can never be a real mailbox, so these addresses cannot collide with anyone's. */
export function devIdpClaims(sub: string): DevIdpClaims {
  const name = sub
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
  return { sub, name, preferred_username: sub, email: `${sub}@dev-idp.localhost`, email_verified: true };
}

/** oidc-provider's `findAccount`: every subject exists. */
export async function findAccount(_ctx: unknown, sub: string) {
  return { accountId: sub, claims: async () => devIdpClaims(sub) };
}
