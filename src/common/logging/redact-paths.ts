/**
 * What pino censors in a log object. Nothing here logs headers or bodies (the request line has method, path,
 * status and duration only), so this is the second line of defence: a future `logger.warn({ headers })` or
 * `logger.error({ err })` carrying a provider's answer still never writes a credential.
 *
 * Explicit paths, no wildcards: pino checks each explicit path in about a nanosecond, while wildcard paths
 * (`*.token`) cost 10-40 µs on every line, the request line included (measured with pino 10).
 * A credential under a holder not listed here is NOT redacted: log a new shape of object, add its holder.
 */
import { secretSettingNames } from '../../config/settings/index.js';

const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-api-key'];

const SECRET_FIELDS = [
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'client_secret',
  'password',
  'token',
  'nonce',
  'link_token',
  'pending_token',
];

/** Where headers sit in what Fastify, node:http, undici and our provider client hand around. */
const HEADER_HOLDERS = [
  'headers',
  'req.headers',
  'res.headers',
  'request.headers',
  'response.headers',
  'err.headers',
  'err.response.headers',
  'error.response.headers',
];

/** Where token fields sit: the top of the log object, bodies, query strings, provider answers and errors. */
const FIELD_HOLDERS = [
  '',
  'body',
  'query',
  'params',
  'data',
  'payload',
  'tokens',
  'extraData',
  'req.body',
  'req.query',
  'request.body',
  'response.body',
  'res.body',
  'err.body',
  'err.response.body',
  'error.response.body',
];

/** Where environment variables sit: a logged environment (`{ env: process.env }`) or one of its values. */
const ENV_HOLDERS = ['', 'env'];

/** The paths for a process whose environment is `env` (the secret settings' names depend on its declared providers). */
export function redactPaths(env: NodeJS.ProcessEnv): string[] {
  return [
    ...HEADER_HOLDERS.flatMap((holder) => SECRET_HEADERS.map((name) => `${holder}["${name}"]`)),
    ...FIELD_HOLDERS.flatMap((holder) => SECRET_FIELDS.map((field) => (holder ? `${holder}.${field}` : field))),
    // The settings the configuration catalogue marks secret (src/config/settings/): JWT_PRIVATE_KEYS, DATABASE_URL…,
    // and those of a secret family set in this environment: PROVIDER_ACME_CLIENT_SECRET, PROVIDER_APPLE_PRIVATE_KEY…
    ...ENV_HOLDERS.flatMap((holder) => secretSettingNames(env).map((name) => (holder ? `${holder}.${name}` : name))),
  ];
}

export const REDACTED = '[Redacted]';
