/**
 * The shape of a provider declared by configuration, and the validation of one declaration, whether it came
 * from `PROVIDERS_FILE` or from `PROVIDER_<ID>_*` variables (src/config/providers-file.ts reads both).
 */
import type { EnvReader } from './env-reader.js';

export interface CustomProviderConfig {
  id: string;
  type: 'oidc';
  displayName: string;
  /** Exactly as the provider spells it in its discovery document (OIDC Discovery 4.3). */
  issuer: string;
  /** `aud` of ID tokens / `client_id` of access tokens must be one of these. The first is the confidential one. */
  clientIds: string[];
  /** From `PROVIDER_<ID>_CLIENT_SECRET`, never from the file. */
  clientSecret?: string;
  scopes: string[];
  redirectUris: string[];
  enabled: boolean;
  emailVerifiedClaim: string;
  /** A generic provider does not get to link accounts by email unless the operator says so (docs/email-trust.md). */
  trustEmailForLinking: boolean;
}

const CLAIM_PATTERN = /^[A-Za-z0-9_.:-]{1,100}$/;
/** Field → its `PROVIDER_<ID>_*` suffix; also the list of fields a file entry may have. */
export const FIELDS = {
  id: '', type: 'TYPE', displayName: 'DISPLAY_NAME', issuer: 'ISSUER', clientIds: 'CLIENT_IDS', scopes: 'SCOPES',
  redirectUris: 'REDIRECT_URIS', enabled: 'ENABLED', emailVerifiedClaim: 'EMAIL_VERIFIED_CLAIM', trustEmailForLinking: 'TRUST_EMAIL_FOR_LINKING',
} as const;
export type Field = keyof typeof FIELDS;
export type Report = (field: string, message: string) => void;

/** `acme-eu` → `PROVIDER_ACME_EU_`: the prefix of every variable of that provider. */
export const envPrefix = (id: string) => `PROVIDER_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;

const isLoopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);

/** Why `value` is not an https URL (http only on loopback, so tests can run an OP locally), or undefined. */
export function httpsUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be an https URL, got "${value}"`;
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return undefined;
  return `must be an https URL (http only for loopback hosts), got "${value}"`;
}

function strings(value: unknown, field: string, report: Report, { required = false } = {}): string[] | undefined {
  if (value === undefined) {
    if (required) report(field, 'is required');
    return undefined;
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '') || (required && value.length === 0)) {
    report(field, `must be ${required ? 'a non-empty' : 'an'} array of non-empty strings`);
    return undefined;
  }
  return value.map((v: string) => v.trim());
}

function text(value: unknown, field: string, report: Report): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  report(field, value === undefined ? 'is required' : 'must be a non-empty string');
  return undefined;
}

function flag(value: unknown, field: string, fallback: boolean, report: Report): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  report(field, 'must be true or false');
  return fallback;
}

/** One declared provider, already known to have a well-formed unique id. Problems go to `report`. */
export function validateCustomProvider(raw: Record<string, unknown>, id: string, r: EnvReader, report: Report): CustomProviderConfig | undefined {
  const secretVar = `${envPrefix(id)}CLIENT_SECRET`;
  for (const key of Object.keys(raw)) {
    if (/secret/i.test(key)) report(key, `must not be in the configuration file: set ${secretVar} in the environment`);
    else if (!(key in FIELDS)) report(key, `is not a known field (known: ${Object.keys(FIELDS).join(', ')})`);
  }
  if (raw.type !== 'oidc') report('type', raw.type === undefined ? 'is required ("oidc")' : `must be "oidc", got ${JSON.stringify(raw.type)}`);
  const displayName = text(raw.displayName, 'displayName', report);
  const issuer = text(raw.issuer, 'issuer', report);
  const issuerProblem = issuer && (httpsUrlProblem(issuer) ?? (/[?#]/.test(issuer) ? 'must have no query or fragment (OIDC Discovery 4)' : undefined));
  if (issuerProblem) report('issuer', issuerProblem);
  const clientIds = strings(raw.clientIds, 'clientIds', report, { required: true });
  const scopes = strings(raw.scopes, 'scopes', report) ?? ['openid', 'email', 'profile'];
  if (!scopes.includes('openid')) report('scopes', 'must include "openid" (OIDC Core 3.1.2.1)');
  const redirectUris = strings(raw.redirectUris, 'redirectUris', report) ?? [];
  for (const uri of redirectUris) {
    // https, http on loopback, or a native app's reverse-domain private-use scheme like com.example.app:/cb (RFC 8252 7.1).
    const privateUse = URL.canParse(uri) && new URL(uri).protocol.slice(0, -1).includes('.');
    if (!privateUse && httpsUrlProblem(uri)) report('redirectUris', `has "${uri}": each must be https, http on loopback, or a reverse-domain scheme`);
  }
  const emailVerifiedClaim = raw.emailVerifiedClaim ?? 'email_verified';
  if (typeof emailVerifiedClaim !== 'string' || !CLAIM_PATTERN.test(emailVerifiedClaim)) report('emailVerifiedClaim', 'must be a claim name');
  const config = {
    id, type: 'oidc' as const, displayName: displayName!, issuer: issuer!, clientIds: clientIds!, clientSecret: r.raw(secretVar),
    scopes, redirectUris, enabled: flag(raw.enabled, 'enabled', true, report), emailVerifiedClaim: String(emailVerifiedClaim),
    trustEmailForLinking: flag(raw.trustEmailForLinking, 'trustEmailForLinking', false, report),
  };
  return displayName && issuer && !issuerProblem && clientIds ? config : undefined;
}

