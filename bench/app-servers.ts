/** The app under test as the bench starts it: its settings, and the first login that every set-up begins with. */
import { CLIENT_ID, google, knobs, serverEnvOverrides, tmpDir, type NodeRuntime } from './context.js';
import { SHIPPED_NODE_ARGS, startAppServers, type ChildServer } from './servers.js';
import type { Database } from './stores.js';

/**
 * Server settings besides the ones servers.ts always sets (port, database, keys, fake Google). The rate limiters
 * would answer 429 after 60 logins a minute from our one IP (20 per identity) and, at /oauth/token, after 300 per IP
 * and 600 per client (ADR 0039): their limits are raised out of reach, so their cost is measured but they never reject.
 */
const SERVER_ENV: Record<string, string> = {
  NO_COLOR: '1',
  // Development-only tools (NODE_ENV=development switches them on): a deployment never runs them, and the dev
  // IdP alone loads oidc-provider and Koa (~40 MB of RSS). Override with BENCH_SERVER_ENV_DEV_IDP_ENABLED=true.
  DEV_IDP_ENABLED: 'false',
  DEMO_ENABLED: 'false',
  RATE_LIMIT_AUTH_PER_IP: '1000000000',
  RATE_LIMIT_AUTH_PER_IDENTITY: '1000000000',
  RATE_LIMIT_OAUTH_PER_IP: '1000000000',
  RATE_LIMIT_OAUTH_PER_CLIENT: '1000000000',
  // The user-route stand-ins GET /bench/notes and /bench/public-notes (src/bench-routes/).
  BENCH_ROUTES: 'true',
};

export function startServers(db: Database, count: number, node: NodeRuntime, extraNodeArgs: string[] = []): Promise<ChildServer[]> {
  return startAppServers(count, {
    tmpDir,
    label: db.key,
    node: node.path,
    google: { jwksUrl: google.jwksUrl, tokeninfoUrl: google.tokeninfoUrl, userinfoUrl: google.userinfoUrl },
    googleClientId: CLIENT_ID,
    databaseUrl: db.url,
    extraEnv: {
      ...SERVER_ENV,
      ...(db.redis && { REDIS_URL: db.redis.url, REDIS_KEY_PREFIX: db.redis.keyPrefix }),
      // Instances behind a balancer share one public address, hence one JWT issuer (its default): each would
      // otherwise name its own port and refuse the others' tokens.
      ...(count > 1 && { PUBLIC_URL: 'http://bench-balancer.localhost:3000' }),
      ...serverEnvOverrides,
    },
    nodeArgs: [...SHIPPED_NODE_ARGS, ...knobs.serverNodeArgs, ...extraNodeArgs],
  });
}

/** One real login (it creates the returning user); checks the access token works and returns it. */
export async function loginOnce(server: ChildServer, body: string): Promise<string> {
  const response = await fetch(`${server.url}/auth/google/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(
      `The first login answered ${response.status}: ${text.slice(0, 500)}\n--- last lines of ${server.name}'s log ---\n${server.logTail()}`,
    );
  }
  const accessToken = (JSON.parse(text) as { access_token?: unknown }).access_token;
  if (typeof accessToken !== 'string') throw new Error(`The first login answered 200 without an access_token: ${text.slice(0, 500)}`);
  const me = await fetch(`${server.url}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (me.status !== 200)
    throw new Error(`GET /users/me with a fresh access token answered ${me.status}: ${(await me.text()).slice(0, 500)}`);
  await me.arrayBuffer().catch(() => undefined);
  return accessToken;
}
