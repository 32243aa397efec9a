/**
 * How we read the values of a provider's token answers (RFC 6749 5.1) and token checks (introspection, tokeninfo,
 * debug_token): bounded, printable, and an expiry is an annotation that garbage leaves out rather than breaks.
 */
import type { ProviderTokens } from '../identity-provider.types.js';

/** The longest token we take from a provider (ID tokens with many claims stay far below). */
export const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_LIFETIME_SECONDS = 10 * 365 * 86_400;
/** Year 9999: any later "expiry" is garbage, and beyond what a JavaScript Date or a SQL timestamp holds. */
const LAST_EPOCH_SECOND = 253_402_300_799;

/** What we store from a token answer. Providers that send no new refresh token keep the old one (the caller's merge). */
export function providerTokensFrom(response: { access_token: string; refresh_token?: string; expires_in?: number }): ProviderTokens {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresAt: response.expires_in === undefined ? undefined : new Date(Date.now() + response.expires_in * 1000),
  };
}

/** RFC 6749 A.12: a token is printable ASCII (VSCHAR); bounded, since it is encrypted and stored. */
export function tokenString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_LENGTH && /^[\x20-\x7e]+$/.test(value)
    ? value
    : undefined;
}

/**
 * A provider's expiry in Unix seconds (tokeninfo's `exp`, introspection's `exp`, debug_token's `expires_at`), as a
 * number or a numeric string; anything else, or a moment past year 9999, is no expiry rather than a date we cannot store.
 */
export function dateFromEpochSeconds(value: unknown): Date | undefined {
  const n = wholeNumber(value, 12, LAST_EPOCH_SECOND);
  return n === undefined ? undefined : new Date(n * 1000);
}

/**
 * `expires_in` (RFC 6749 5.1: a number of seconds; some providers send it as a string). Only an annotation: a value
 * that is no positive whole number of at most ten years is ignored, never a date we cannot store.
 */
export const lifetimeSeconds = (value: unknown) => wholeNumber(value, 10, MAX_LIFETIME_SECONDS);

/** A positive whole number up to `max`, sent as a number or as a string of at most `digits` digits. */
function wholeNumber(value: unknown, digits: number, max: number): number | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.length <= digits && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 && n <= max ? n : undefined;
}
