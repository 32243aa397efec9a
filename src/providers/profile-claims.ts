/**
 * The one check of what a provider says about a person (ID token claims, userinfo, Graph /me, GitHub /user,
 * a declared mapping) before any of it is used: by type and size, per docs/decisions/0008-provider-claim-checks.md.
 * A value of the wrong type or size is `401 invalid_provider_token` (the identity as a whole is not usable, and
 * nothing is written); the detail (provider, claim, what was wrong, never the value) goes to the log.
 *
 * Identifiers refuse control characters; display texts (names, usernames) have them removed. Either way no NUL
 * or other control character reaches the database (PostgreSQL refuses NUL in text; SQLite would store it).
 */
import type { NormalizedProfile } from './identity-provider.types.js';
import { providerError } from './provider-error.js';

/** `social_accounts.uid` is varchar(255). */
export const MAX_ID_LENGTH = 255;
/** `users.email` is varchar(320) (64 + @ + 255, the old RFC 3696 bound). */
export const MAX_EMAIL_LENGTH = 320;
/** Far above any provider's own limit; our columns then keep what fits (social_details). */
export const MAX_TEXT_LENGTH = 1000;
export const MAX_URL_LENGTH = 2048;

/** C0, DEL and C1 controls: NUL, line breaks, escape sequences. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;

export interface ClaimRules {
  /** The provider's id, for the log line. */
  provider: string;
  /**
   * The JSON type of the user id: `string` (the default: OIDC's `sub`, Facebook's and Discord's ids), `number` where
   * the provider documents an integer (GitHub's `id`), `either` for a declared mapping, which may point at either.
   */
  ids?: 'string' | 'number' | 'either';
  /** The provider documents `email_verified` as the strings "true"/"false" too (Google, Apple, declared OIDC). */
  verifiedAsString?: boolean;
}

/** The profile's members as the provider sent them, each still `unknown`. */
export type RawProfile = { uid: unknown } & Partial<Record<Exclude<keyof NormalizedProfile, 'uid' | 'emailTrustedForLinking'>, unknown>>;

/**
 * The checked profile; `emailTrustedForLinking` is each provider's own policy, so the caller adds it.
 * `emailVerified` is only true with an email.
 */
export function checkedProfile(raw: RawProfile, rules: ClaimRules): Omit<NormalizedProfile, 'emailTrustedForLinking'> {
  const email = claimEmail(rules, 'email', raw.email);
  const verified = claimFlag(rules, 'email_verified', raw.emailVerified);
  return {
    uid: claimId(rules, 'sub', raw.uid),
    email,
    emailVerified: email !== undefined && verified,
    username: claimText(rules, 'username', raw.username),
    name: claimText(rules, 'name', raw.name),
    firstName: claimText(rules, 'given_name', raw.firstName),
    lastName: claimText(rules, 'family_name', raw.lastName),
    picture: claimUrl(rules, 'picture', raw.picture),
  };
}

function refuse(rules: ClaimRules, claim: string, problem: string, value: unknown) {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return providerError(
    'invalid_provider_token',
    'The identity provider sent an identity we cannot accept',
    `${rules.provider} claim "${claim}" ${problem} (got ${got})`,
  );
}

/** A user id: a non-empty string of at most 255 characters without control characters; a safe integer only where documented. */
export function claimId(rules: ClaimRules, claim: string, value: unknown): string {
  const ids = rules.ids ?? 'string';
  if (ids !== 'string' && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (ids === 'number') throw refuse(rules, claim, 'must be a non-negative whole number', value);
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID_LENGTH || CONTROL.test(value)) {
    throw refuse(
      rules,
      claim,
      `must be a string of 1-${MAX_ID_LENGTH} characters without control characters${ids === 'either' ? ', or a whole number' : ''}`,
      value,
    );
  }
  return value;
}

/** An email address, lower-cased; absent, null or "" is none. Whitespace and control characters are refused, not repaired. */
export function claimEmail(rules: ClaimRules, claim: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const email = typeof value === 'string' ? value.trim() : undefined;
  if (email === undefined || email.length > MAX_EMAIL_LENGTH || !/^[^\s@]+@[^\s@]+$/.test(email) || CONTROL.test(email)) {
    throw refuse(rules, claim, `must be an email address of at most ${MAX_EMAIL_LENGTH} characters`, value);
  }
  return email.toLowerCase();
}

/** A boolean; absent or null is false; "true"/"false" only where the provider documents strings. */
export function claimFlag(rules: ClaimRules, claim: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (rules.verifiedAsString && (value === 'true' || value === 'false')) return value === 'true';
  throw refuse(rules, claim, rules.verifiedAsString ? 'must be a boolean or "true"/"false"' : 'must be a boolean', value);
}

/** A display text (name, username): control characters become a space, then trimmed; empty is none; bounded. */
export function claimText(rules: ClaimRules, claim: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > MAX_TEXT_LENGTH) {
    throw refuse(rules, claim, `must be a string of at most ${MAX_TEXT_LENGTH} characters`, value);
  }
  return displayText(value);
}

/** Control characters become a space, then trimmed; empty is none. */
export function displayText(value: string): string | undefined {
  const text = value.replace(CONTROLS, ' ').trim();
  return text === '' ? undefined : text;
}

/** A URL (picture): a string of at most 2048 characters without control characters; empty is none. */
export function claimUrl(rules: ClaimRules, claim: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH || CONTROL.test(value)) {
    throw refuse(rules, claim, `must be a URL of at most ${MAX_URL_LENGTH} characters without control characters`, value);
  }
  return value.trim() || undefined;
}

/**
 * An ID token's `nonce` (OIDC Core 2): absent is none, and then the caller's nonce policy decides. One of another type
 * is refused rather than read as absent, so a token carrying a nonce is always held to it (ADR 0002).
 */
export function claimNonce(rules: ClaimRules, value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : claimId(rules, 'nonce', value);
}

/** A list of short strings (scopes); anything else is no list, since it only annotates the account. */
export function claimStrings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((s): s is string => typeof s === 'string' && s.length <= 200 && !CONTROL.test(s)).slice(0, 100);
}
