/**
 * Rows 6 and 7: our authorization server's token endpoint (docs/oauth-server.md) — a machine client's
 * client_credentials grant, and the refresh_token grant as a web application uses it (rotation: every answer's
 * refresh token is sent once, in a later request).
 */
import { createHash, randomBytes } from 'node:crypto';
import { hashClientSecret } from '../../src/oauth-server/applications/application-secrets.js';
import { flags, runId, settings } from '../context.js';
import { throughputRow, type Row } from '../report.js';
import { scenario, type Setup } from '../scenario.js';
import type { ChildServer } from '../servers.js';
import { insertRows, type Database } from '../stores.js';

const FORM = 'application/x-www-form-urlencoded';

/**
 * Writes the two applications and the seeded refresh tokens into the database, before any load: a write from the
 * bench while the server still works off abandoned requests would make SQLite answer SQLITE_BUSY to the server.
 * Returns the measurement, to run when rows 6 and 7 are due.
 */
export async function prepareTokenEndpoint(setup: Setup, accessToken: string): Promise<() => Promise<Row[]>> {
  const { servers, db, where, baselineRate, alsoUnderTest } = setup;
  const server = servers[0];
  const basicAuth = (client: { clientId: string; secret: string }) =>
    `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`;
  const machine = await registerClient(db, 'machine', ['client_credentials'], ['profile:read']);
  // Chains start from refresh tokens stored for the returning user, one grant each (bench/load.ts `chained`).
  const webApp = await registerClient(db, 'web', ['authorization_code', 'refresh_token'], ['openid', 'offline_access', 'profile:read']);
  const seeds = await seedRefreshTokens(db, webApp.clientId, subjectOf(accessToken), await resourceOf(server), settings.connections * 4);

  return async () => {
    const cc = await scenario(
      servers,
      `POST /oauth/token client_credentials (${db.label}, ${where.node.version})`,
      [
        {
          url: `${server.url}/oauth/token`,
          method: 'POST',
          headers: { 'content-type': FORM, authorization: basicAuth(machine) },
          body: 'grant_type=client_credentials&scope=profile%3Aread',
          settings,
          sampleErrorBodies: true,
          expectInBody: '"access_token"',
        },
      ],
      { retryIfNoisy: true, alsoUnderTest },
    );

    const refreshBody = (token: string) => `grant_type=refresh_token&refresh_token=${encodeURIComponent(token)}`;
    const refreshed = await scenario(
      servers,
      `POST /oauth/token refresh_token (${db.label}, ${where.node.version})`,
      [
        {
          url: `${server.url}/oauth/token`,
          method: 'POST',
          headers: { 'content-type': FORM, authorization: basicAuth(webApp) },
          chained: {
            first: () => refreshBody(seeds.next()),
            next: (answer) => {
              const token = (JSON.parse(answer) as { refresh_token?: unknown }).refresh_token;
              return typeof token === 'string' ? refreshBody(token) : undefined;
            },
          },
          settings,
          sampleErrorBodies: true,
          expectInBody: '"refresh_token"',
        },
      ],
      { retryIfNoisy: true, alsoUnderTest },
    );
    if (seeds.ranOut()) flags.push(`Refresh tokens (${db.label}): the seeded refresh tokens ran out; some chains reused one (and failed).`);

    return [
      throughputRow('6. Token endpoint, client_credentials', where, cc, baselineRate, 'tokens/s'),
      throughputRow('7. Token endpoint, refresh_token', where, refreshed, baselineRate, 'tokens/s'),
    ];
  };
}

/**
 * A confidential application written straight into the server's database, as `npm run apps -- create` would: the
 * secret's hash only (src/oauth-server/applications/application-secrets.ts).
 */
async function registerClient(
  db: Database,
  kind: string,
  grants: string[],
  scopes: string[],
): Promise<{ clientId: string; secret: string }> {
  const clientId = `bench-${runId}-${db.key}-${kind}`;
  const secret = randomBytes(32).toString('base64url');
  const redirectUris = grants.includes('authorization_code') ? ['https://bench.example/callback'] : [];
  const values = [
    clientId,
    `Bench ${kind}`,
    'confidential',
    hashClientSecret(secret),
    JSON.stringify(redirectUris),
    JSON.stringify(grants),
    JSON.stringify(scopes),
  ];
  const columns = '"clientId", "name", "type", "secretHash", "redirectUris", "grantTypes", "scopes"';
  await insertRows(db, 'oauth_applications', columns, [values]);
  return { clientId, secret };
}

/**
 * `count` refresh tokens, each of its own grant (user `accountId` to `clientId`, `openid profile:read`: a reuse
 * revokes one chain only), stored as our adapter stores what oidc-provider issues at the end of a code flow
 * (src/oauth-server/adapter.ts: ids as SHA-256), so a load can start without a browser. Each is handed out once.
 */
async function seedRefreshTokens(
  db: Database,
  clientId: string,
  accountId: string,
  resource: string,
  count: number,
): Promise<{ next: () => string; ranOut: () => boolean }> {
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
  const now = new Date();
  const iat = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date(now.getTime() + 86_400_000);
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const at = (date: Date) => (db.url ? date : date.toISOString().replace('T', ' ').replace('Z', ''));
  const columns = '"model", "idHash", "payload", "grantIdHash", "accountId", "clientId", "expiresAt", "createdAt"';
  const grant = {
    iat,
    exp,
    accountId,
    clientId,
    kind: 'Grant',
    openid: { scope: 'openid' },
    resources: { [resource]: 'openid profile:read' },
  };
  const rows: unknown[][] = [];
  const tokens = Array.from({ length: count }, () => randomBytes(32).toString('base64url'));
  for (const token of tokens) {
    const grantId = randomBytes(32).toString('base64url');
    rows.push(['Grant', sha256(grantId), JSON.stringify(grant), sha256(grantId), accountId, clientId, at(expiresAt), at(now)]);
    const payload = {
      iat,
      exp,
      accountId,
      amr: ['fed'],
      authTime: iat,
      grantId,
      gty: 'authorization_code',
      resource,
      rotations: 0,
      scope: 'openid profile:read',
      kind: 'RefreshToken',
      clientId,
      iiat: iat,
    };
    rows.push(['RefreshToken', sha256(token), JSON.stringify(payload), sha256(grantId), accountId, clientId, at(expiresAt), at(now)]);
  }
  await insertRows(db, 'oauth_records', columns, rows);
  let handedOut = 0;
  return { next: () => tokens[handedOut++ % tokens.length], ranOut: () => handedOut > tokens.length };
}

/** The `sub` of our access token (the returning user's id). */
function subjectOf(accessToken: string): string {
  return (JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as { sub: string }).sub;
}

/** Our API's resource indicator, as the server publishes it (RFC 9728): the audience its refresh tokens are for. */
async function resourceOf(server: ChildServer): Promise<string> {
  const response = await fetch(`${server.url}/.well-known/oauth-protected-resource`);
  return ((await response.json()) as { resource: string }).resource;
}
