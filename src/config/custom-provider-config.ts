/**
 * The shape of a provider declared by configuration, and the validation of one declaration, whether it came
 * from `PROVIDERS_FILE` or from `PROVIDER_<ID>_*` variables (src/config/providers-file.ts reads both, and fills
 * in a preset's defaults before this file sees the declaration).
 */
import { z } from 'zod';
import { notAnOrigin } from './cors-origins.js';
import type { EnvReader } from './env-reader.js';
import { httpsUrlProblem, redirectUriProblem } from './redirect-uri.js';

/** How a field is read from `PROVIDER_<ID>_<FIELD>`: as text, a comma list, words (commas or spaces), a boolean, or `PROFILE_<KEY>` variables. */
export type FieldKind = 'text' | 'list' | 'words' | 'flag' | 'profile';

const COMMON_FIELDS = {
  id: 'text',
  type: 'text',
  preset: 'text',
  displayName: 'text',
  clientIds: 'list',
  scopes: 'words',
  redirectUris: 'list',
  enabled: 'flag',
  trustEmailForLinking: 'flag',
} as const;
const TYPE_FIELDS = {
  oidc: { issuer: 'text', emailVerifiedClaim: 'text', tokenAuthMethod: 'text', trustedEndpointOrigins: 'list' },
  oauth2: {
    authorizationUrl: 'text',
    tokenUrl: 'text',
    userinfoUrl: 'text',
    tokenAuthMethod: 'text',
    scopeSeparator: 'text',
    profile: 'profile',
    acknowledgeMutableSubject: 'flag',
  },
} as const;
/** Every field a declaration of any type may have, with how the environment spells it. */
export const FIELDS: Readonly<Record<string, FieldKind>> = { ...COMMON_FIELDS, ...TYPE_FIELDS.oidc, ...TYPE_FIELDS.oauth2 };

export type Report = (field: string, message: string) => void;

/** `acme-eu` → `PROVIDER_ACME_EU_`: the prefix of every variable of that provider. */
export const envPrefix = (id: string) => `PROVIDER_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;

/** `clientIds` → `PROVIDER_ACME_CLIENT_IDS`, `profile.uid` → `PROVIDER_ACME_PROFILE_UID`. */
export const envKey = (id: string, field: string) =>
  `${envPrefix(id)}${field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/\./g, '_')
    .toUpperCase()}`;

/** Claim and field names whose value can be given to another person later: not an identity (the nOAuth class). */
const MUTABLE_UID_NAMES = [
  'email',
  'mail',
  'emails',
  'email_address',
  'emailaddress',
  'preferred_username',
  'upn',
  'unique_name',
  'username',
  'user_name',
  'login',
  'name',
  'nickname',
  'screen_name',
  'handle',
  'display_name',
  'displayname',
  'phone',
  'phone_number',
];

/** The last segment of a dot path names the field: `data.attributes.email` is an email. */
const isMutableUidPath = (path: string) => MUTABLE_UID_NAMES.includes(path.split('.').pop()!.toLowerCase());

/** Secrets and key material live in the environment only: a file is copied, committed and read by more people. */
export function refuseSecrets(raw: Record<string, unknown>, id: string, report: Report): void {
  for (const key of Object.keys(raw).filter(isSecretName))
    report(key, `must not be in the configuration file: set ${envKey(id, key)} in the environment`);
}

const isSecretName = (key: string) => /secret|private.?key/i.test(key);

// The declaration schema. Every message is ours: it names what the field must be, never echoes a value we did not
// ask for, and a list gets one message however many of its elements are wrong.

/** `shape`, then a check zod runs once the value has it: `problem` says why it is still wrong, or undefined. */
const where = <T>(shape: z.ZodType<T>, problem: (value: T) => string | undefined) =>
  shape.pipe(
    z.custom<T>().superRefine((value, ctx) => {
      const message = problem(value);
      if (message) ctx.addIssue({ code: 'custom', message });
    }),
  );

const requiredText = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a non-empty string') })
  .trim()
  .min(1, { error: 'must be a non-empty string' });
const NON_EMPTY = 'must be a non-empty array of non-empty strings';
const list = (message = 'must be an array of non-empty strings', missing = message) =>
  z.array(z.string({ error: message }).trim().min(1, { error: message }), {
    error: (issue) => (issue.input === undefined ? missing : message),
  });
const nonEmptyList = (missing = NON_EMPTY) => list(NON_EMPTY, missing).min(1, { error: NON_EMPTY });
const flag = z.boolean({ error: 'must be true or false' });
const oneOf = <T extends string>(allowed: readonly [T, ...T[]]) =>
  z.enum(allowed, { error: (issue) => `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(issue.input)}` });
/** An endpoint keys or tokens travel to: https, or http on loopback only (production narrows it: providers-file.ts). */
const endpoint = where(requiredText, httpsUrlProblem);
/** How the code is redeemed. RFC 6749 2.3.1: Basic is the one servers must support; some providers only read the form. */
const authMethod = oneOf(['client_secret_basic', 'client_secret_post']);

const CLAIM_PATTERN = /^[A-Za-z0-9_.:-]{1,100}$/;
const PATH_PATTERN = /^[A-Za-z0-9_@$:-]+(\.[A-Za-z0-9_@$:-]+){0,9}$/;
const dotPath = (orTrue = '', required = 'must be a dot path like "data.id"') =>
  z
    .string({ error: (issue) => (issue.input === undefined ? required : `must be a dot path like "data.id"${orTrue}`) })
    .regex(PATH_PATTERN, { error: `must be a dot path like "data.id"${orTrue}` });

/** `https://graph.microsoft.com`, each as the origin it is (no path); http only on loopback hosts. */
const origins = where(list(), (origins) => origins.map((origin) => httpsUrlProblem(origin) ?? notAnOrigin(origin)).find(Boolean));

const common = {
  id: z.string(),
  displayName: requiredText,
  /** `aud` of ID tokens / `client_id` of access tokens must be one of these. The first is the confidential one. */
  clientIds: nonEmptyList(),
  redirectUris: where(list(), (uris) => uris.map(redirectUriProblem).find(Boolean)).default([]),
  enabled: flag.default(true),
  /** A declared provider does not get to link accounts by email unless the operator says so (docs/email-trust.md). */
  trustEmailForLinking: flag.default(false),
};

const oidcSchema = z.strictObject({
  ...common,
  type: z.literal('oidc'),
  /** Exactly as the provider spells it in its discovery document (OIDC Discovery 4.3). */
  issuer: where(
    requiredText,
    (issuer) => httpsUrlProblem(issuer) ?? (/[?#]/.test(issuer) ? 'must have no query or fragment (OIDC Discovery 4)' : undefined),
  ),
  scopes: where(list(), (scopes) => (scopes.includes('openid') ? undefined : 'must include "openid" (OIDC Core 3.1.2.1)')).default([
    'openid',
    'email',
    'profile',
  ]),
  emailVerifiedClaim: z
    .string({ error: 'must be a claim name' })
    .regex(CLAIM_PATTERN, { error: 'must be a claim name' })
    .default('email_verified'),
  /** Absent: what the discovery document supports, Basic first. */
  tokenAuthMethod: authMethod.optional(),
  /**
   * Origins besides the issuer's that its discovery document may send us to (token, userinfo, keys, introspection,
   * revocation): our client secret and the user's tokens travel there. Presets declare their provider's own
   * (Microsoft's graph.microsoft.com, LinkedIn's api.linkedin.com); anything else is refused.
   */
  trustedEndpointOrigins: origins.default([]),
});

/**
 * Where an `oauth2` provider's userinfo JSON keeps each profile field: dot paths (`data.id`). There is no path
 * for anything but these, so a mapping cannot smuggle in an identity of its own choosing.
 */
const profileSchema = z.strictObject(
  {
    /** The provider's stable user id (a string or a number in the JSON). */
    uid: dotPath('', "is required: the path to the provider's stable user id"),
    email: dotPath().optional(),
    /**
     * A path to a boolean (`true` or `"true"`) saying the email was verified, or `true`: the provider only ever
     * releases verified addresses (say so only when its documentation does). Absent, or `false` (the default spelled
     * out): never verified.
     */
    emailVerified: z
      .union([z.boolean(), dotPath(', or true')], { error: 'must be a dot path like "data.id", or true' })
      .transform((value) => (value === false ? undefined : value))
      .optional(),
    name: dotPath().optional(),
    username: dotPath().optional(),
    picture: dotPath().optional(),
  },
  {
    error: (issue) =>
      issue.input === undefined ? 'is required (at least { "uid": "<path to the user id>" })' : 'must be an object of dot paths',
  },
);

export const PROFILE_KEYS = Object.keys(profileSchema.shape) as Array<keyof typeof profileSchema.shape>;

/**
 * A plain OAuth 2.0 provider. Its only flows are `code` and `redirect`, which need our client secret: an opaque
 * access token from a frontend cannot be tied to our client id here (a preset that can, like Discord's, adds `token`).
 */
const oauth2Schema = z.strictObject({
  ...common,
  type: z.literal('oauth2'),
  authorizationUrl: endpoint,
  tokenUrl: endpoint,
  /** Read with the access token after the code is redeemed; `profile` maps its JSON. */
  userinfoUrl: endpoint,
  scopes: list().default([]),
  /** RFC 6749 3.3 says a space; some providers want a comma. Not trimmed: the separator is usually a space. */
  scopeSeparator: z
    .string({ error: 'must be one of " ", ",", "+", ";"' })
    .regex(/^[ ,+;]$/, { error: 'must be one of " ", ",", "+", ";"' })
    .default(' '),
  tokenAuthMethod: authMethod.default('client_secret_basic'),
  profile: profileSchema,
  /**
   * The operator's word that `profile.uid` maps a claim that can pass to another person (an email, a username):
   * refused at boot without it (MUTABLE_UID_NAMES).
   */
  acknowledgeMutableSubject: flag.default(false),
});

const SCHEMAS = { oidc: oidcSchema, oauth2: oauth2Schema } as const;

// The same rules for the fields presets parse themselves (src/providers/presets/): the first problem is reported.
function parsed<T>(schema: z.ZodType<T>, value: unknown, field: string, report: Report): T | undefined {
  const result = schema.safeParse(value);
  if (!result.success) report(field, result.error.issues[0].message);
  return result.data;
}

export const strings = (value: unknown, field: string, report: Report, { required = false } = {}) =>
  parsed(required ? nonEmptyList('is required') : list().optional(), value, field, report);
export const text = (value: unknown, field: string, report: Report, { required = true } = {}) =>
  parsed(required ? requiredText : requiredText.optional(), value, field, report);
/** An endpoint keys or tokens travel to: https, or http on loopback only. */
export const httpsUrl = (value: unknown, field: string, report: Report, { required = true } = {}) =>
  parsed(required ? endpoint : endpoint.optional(), value, field, report);

/** What a declaration does not say itself. */
interface Resolved {
  /** From `PROVIDER_<ID>_CLIENT_SECRET`, never from the file. */
  clientSecret?: string;
  /** Declared from a preset (src/providers/presets/): its name, and its own fields as that preset parsed them. */
  preset?: { name: string; options: unknown };
  /**
   * Plain http (on loopback hosts only) is accepted for this provider's URLs: always outside production, and in
   * production only when PROVIDER_INSECURE_HTTP_ALLOWED names it. Set by providers-file.ts, never by a declaration.
   */
  insecureHttpAllowed: boolean;
}
export type OidcProviderConfig = z.output<typeof oidcSchema> & Resolved;
export type OAuth2ProviderConfig = z.output<typeof oauth2Schema> & Resolved;
export type CustomProviderConfig = OidcProviderConfig | OAuth2ProviderConfig;

/** zod's issues as our problems: one per field and message, unknown keys named one by one with what is known. */
function reportIssues(issues: readonly z.core.$ZodIssue[], type: 'oidc' | 'oauth2', report: Report): void {
  const seen = new Set<string>();
  const once = (field: string, message: string) =>
    !seen.has(`${field} ${message}`) && (seen.add(`${field} ${message}`), report(field, message));
  const known = Object.keys({ ...COMMON_FIELDS, ...TYPE_FIELDS[type] }).join(', ');
  for (const issue of issues) {
    const field = issue.path.filter((p) => typeof p === 'string').join('.');
    if (issue.code !== 'unrecognized_keys') once(field, issue.message);
    else if (field === 'profile')
      for (const key of issue.keys) once(`profile.${key}`, `is not a known profile field (known: ${PROFILE_KEYS.join(', ')})`);
    // Secret names are not among them: validateCustomProvider refused and removed those.
    else for (const key of issue.keys) once(key, `is not a known field of an ${type} provider (known: ${known})`);
  }
}

/**
 * One declared provider, already known to have a well-formed unique id (and, from a preset, its defaults filled
 * in). Problems go to `report`. `secretOptional`: a preset that can check access tokens without our secret.
 */
export function validateCustomProvider(
  raw: Record<string, unknown>,
  id: string,
  r: EnvReader,
  report: Report,
  { secretOptional = false } = {},
): CustomProviderConfig | undefined {
  refuseSecrets(raw, id, report);
  if (raw.type === undefined) report('type', 'is required ("oidc" or "oauth2"), or a "preset"');
  else if (raw.type !== 'oidc' && raw.type !== 'oauth2') report('type', `must be one of "oidc", "oauth2", got ${JSON.stringify(raw.type)}`);
  if (raw.type !== 'oidc' && raw.type !== 'oauth2') return undefined;
  const declared = Object.fromEntries(Object.entries(raw).filter(([key]) => !isSecretName(key)));
  const parsed = SCHEMAS[raw.type].safeParse({ ...declared, id });
  if (!parsed.success) reportIssues(parsed.error.issues, raw.type, report);
  // What the schema cannot see alone: a user id the provider can reassign (nOAuth), and the secret in the environment.
  const uid = raw.type === 'oauth2' ? (raw.profile as { uid?: unknown } | undefined)?.uid : undefined;
  if (typeof uid === 'string' && isMutableUidPath(uid) && raw.acknowledgeMutableSubject !== true) {
    report(
      'profile.uid',
      `maps "${uid}", a value the provider can give to another person later (an address or a name is reassigned ` +
        "when its owner leaves or renames): that person would sign in as this user. Map the provider's immutable user id instead, " +
        `or set acknowledgeMutableSubject: true (${envKey(id, 'acknowledgeMutableSubject')}=true) if this provider never reassigns it`,
    );
  }
  const secret = r.raw(envKey(id, 'clientSecret'));
  if (raw.type === 'oauth2' && secret === undefined && !secretOptional)
    r.problem(
      envKey(id, 'clientSecret'),
      `is required: "${id}" is an oauth2 provider, whose only flows redeem codes with our client secret`,
    );
  // insecureHttpAllowed is decided by parseCustomProviders from PROVIDER_INSECURE_HTTP_ALLOWED; the loopback-http rule above is the laxest.
  return parsed.success ? { ...parsed.data, clientSecret: secret, insecureHttpAllowed: true } : undefined;
}
