import type { Setting } from './setting.js';

const builtIn = (group: 'Google' | 'Facebook' | 'GitHub', defaults: { scopes: string; urls: Array<[string, string]> }): Setting[] => {
  const prefix = group.toUpperCase();
  return [
    { name: `${prefix}_CLIENT_IDS`, group, default: '', description: `comma-separated client ids; enables ${group}` },
    {
      name: `${prefix}_CLIENT_SECRETS`,
      group,
      default: '',
      secret: true,
      description: `client secrets, in the order of ${prefix}_CLIENT_IDS${group === 'Google' ? '' : ' (one per id)'}`,
    },
    {
      name: `${prefix}_REDIRECT_URIS`,
      group,
      default: '',
      description: 'exact allow-list of redirect URIs for POST /auth/{provider}/code',
    },
    { name: `${prefix}_SCOPES`, group, default: defaults.scopes, description: 'the scopes GET /auth/providers tells frontends to ask for' },
    ...defaults.urls.map(([suffix, url]): Setting => ({
      name: `${prefix}_${suffix}`,
      group,
      default: url,
      description: `${group}'s ${suffix.replace(/_URL$/, '').toLowerCase().replace(/_/g, ' ')} endpoint (tests, egress proxies)`,
    })),
  ];
};

/**
 * Provider calls, the alias variables of the google, facebook and github presets (their defaults here are the
 * presets' defaults too: src/config/providers-config.ts `aliasDefaults`), and providers declared by configuration.
 */
export const PROVIDER_SETTINGS: Setting[] = [
  {
    name: 'PROVIDER_TIMEOUT_MS',
    group: 'Providers',
    default: '5000',
    description: 'timeout of every call to a provider (then 504 provider_timeout)',
  },
  {
    name: 'PROVIDER_MAX_RESPONSE_BYTES',
    group: 'Providers',
    default: '1048576',
    description: 'longest provider answer read (16 KiB to 64 MiB)',
  },
  { name: 'PROVIDER_JWKS_CACHE_MAX_AGE_MS', group: 'Providers', default: '600000', description: "longest a provider's keys are cached" },
  {
    name: 'PROVIDER_JWKS_COOLDOWN_MS',
    group: 'Providers',
    default: '30000',
    description: 'an unknown kid refetches the keys at most this often',
  },
  {
    name: 'PROVIDER_INSECURE_HTTP_ALLOWED',
    group: 'Providers',
    default: '',
    description: 'provider ids whose URLs may be plain http on a loopback host in production',
  },

  ...builtIn('Google', {
    scopes: 'openid,email,profile',
    urls: [
      ['TOKENINFO_URL', 'https://oauth2.googleapis.com/tokeninfo'],
      ['USERINFO_URL', 'https://openidconnect.googleapis.com/v1/userinfo'],
      ['JWKS_URL', 'https://www.googleapis.com/oauth2/v3/certs'],
      ['TOKEN_URL', 'https://oauth2.googleapis.com/token'],
      ['AUTHORIZATION_URL', 'https://accounts.google.com/o/oauth2/v2/auth'],
    ],
  }),
  {
    name: 'GOOGLE_ISSUERS',
    group: 'Google',
    default: 'https://accounts.google.com,accounts.google.com',
    description: 'accepted iss values of Google ID tokens',
  },
  ...builtIn('Facebook', {
    scopes: 'email,public_profile',
    urls: [
      ['GRAPH_URL', 'https://graph.facebook.com/v21.0'],
      ['JWKS_URL', 'https://limited.facebook.com/.well-known/oauth/openid/jwks/'],
      ['AUTHORIZATION_URL', 'https://www.facebook.com/v21.0/dialog/oauth'],
    ],
  }),
  { name: 'FACEBOOK_ISSUER', group: 'Facebook', default: 'https://www.facebook.com', description: 'issuer of Limited Login (iOS) tokens' },
  { name: 'FACEBOOK_TRUST_EMAIL', group: 'Facebook', default: 'false', description: 'treat Facebook emails as verified (and so linkable)' },
  ...builtIn('GitHub', {
    scopes: 'read:user,user:email',
    urls: [
      ['API_URL', 'https://api.github.com'],
      ['AUTHORIZATION_URL', 'https://github.com/login/oauth/authorize'],
      ['TOKEN_URL', 'https://github.com/login/oauth/access_token'],
    ],
  }),

  {
    name: 'PROVIDERS_FILE',
    group: 'Declared providers',
    default: '',
    example: './providers.yaml',
    description: 'JSON or YAML file declaring oidc, oauth2 and preset providers (docs/adding-a-provider.md)',
  },
  {
    name: 'PROVIDERS',
    group: 'Declared providers',
    default: '',
    example: 'acme',
    description: 'ids of providers declared in the environment, each by PROVIDER_<ID>_<FIELD> variables',
  },
  {
    name: 'PROVIDER_<ID>_<FIELD>',
    group: 'Declared providers',
    default: '',
    description:
      "a declared provider's field: TYPE, PRESET, ISSUER, CLIENT_IDS, DISPLAY_NAME, SCOPES, … (every field of the file, as PROVIDER_<ID>_<FIELD>)",
  },
  {
    name: 'PROVIDER_<ID>_TRUSTED_ENDPOINT_ORIGINS',
    group: 'Declared providers',
    default: "the preset's",
    description: "oidc: origins besides the issuer's that its discovery document may send us to",
  },
  {
    name: 'PROVIDER_<ID>_ACKNOWLEDGE_MUTABLE_SUBJECT',
    group: 'Declared providers',
    default: 'false',
    description: 'oauth2: accept a profile.uid that maps a reassignable value',
  },
  {
    name: 'PROVIDER_<ID>_CLIENT_SECRET',
    group: 'Declared providers',
    default: '',
    secret: true,
    description: "a declared provider's client secret (never in the file)",
  },
  {
    name: 'PROVIDER_<ID>_PRIVATE_KEY',
    group: 'Declared providers',
    default: '',
    secret: true,
    description: "an apple preset's Sign in with Apple key (.p8 PEM, never in the file)",
  },
];
