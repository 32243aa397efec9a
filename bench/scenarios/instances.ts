/**
 * Rows 2-4 against two server processes sharing the PostgreSQL schema, Redis and the signing key. The load is
 * spread by one autocannon per instance at the same time (half the connections each) and their results summed; no
 * balancer process competes for the cores. Judged on server CPU per request against the one-instance rows: a
 * 2-core machine cannot show throughput doubling, but shared state that serializes would show as CPU per request.
 */
import { flags, NOISE_WARN_CPUS, notes, settings, MB } from '../context.js';
import { loginOnce } from '../app-servers.js';
import { loginBody, newIdentityPool, poolRanOut } from '../identities.js';
import { cpuVerdict, throughputRow, type Row } from '../report.js';
import { scenario, type Measured, type Setup } from '../scenario.js';
import { reportServerLog } from '../server-log.js';
import { JSON_POST } from './logins.js';

/** Issue 14: server CPU per request of the two-instance rows at most this multiple of the one-instance rows. */
export const INSTANCE_CPU_RATIO = 1.15;

export interface SingleResults {
  me: Measured;
  returning: Measured;
  first: Measured;
}

export async function measureInstances(setup: Setup, single: SingleResults): Promise<Row[]> {
  const { servers, db, where, baselineRate, alsoUnderTest } = setup;
  const perInstance = { ...settings, connections: Math.max(1, Math.round(settings.connections / servers.length)) };
  const versus = (scenarioName: string, r: Measured, one: Measured, unit: string): Row => {
    if (r.otherCpus > NOISE_WARN_CPUS || one.otherCpus > NOISE_WARN_CPUS) {
      notes.push(`WARNING: "x one" of "${r.title}" compares runs during which other processes used ${one.otherCpus.toFixed(2)} ` +
        `(one instance) and ${r.otherCpus.toFixed(2)} CPUs (two instances): the throughput ratio is unreliable.`);
    }
    const cpuRatio = r.cpuPerOkMs / one.cpuPerOkMs;
    return {
      ...throughputRow(scenarioName, where, r, baselineRate, unit, `CPU <= ${INSTANCE_CPU_RATIO.toFixed(2)}x one`, cpuVerdict(cpuRatio, INSTANCE_CPU_RATIO, r, one)),
      vsOne: one.okPerSecond > 0 ? (r.okPerSecond / one.okPerSecond).toFixed(2) : '-',
      cpuVsOne: Number.isFinite(cpuRatio) ? cpuRatio.toFixed(2) : '-',
    };
  };

  // One login on the first instance; the access token must work on every instance (shared signing key).
  const returningBody = await loginBody(`returning-${db.kind}`);
  const accessToken = await loginOnce(servers[0]!, returningBody);
  for (const server of servers.slice(1)) {
    const me = await fetch(`${server.url}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    const text = await me.text();
    if (me.status !== 200) throw new Error(`${server.name}: GET /users/me with a token of ${servers[0]!.name} answered ${me.status}: ${text.slice(0, 300)}`);
  }

  const what = (name: string) => `${name} (${db.label}, ${where.node.version})`;
  const me = await scenario(servers, what('GET /users/me'), servers.map((s) => ({
    url: `${s.url}/users/me`, headers: { authorization: `Bearer ${accessToken}` }, settings: perInstance, sampleErrorBodies: true,
    expectInBody: '"username"',
  })), { retryIfNoisy: true, alsoUnderTest });
  const returning = await scenario(servers, what('returning-user logins'), servers.map((s) => ({
    url: `${s.url}/auth/google/token`, ...JSON_POST, body: returningBody, settings: perInstance, sampleErrorBodies: true,
    expectInBody: '"is_new_user":false',
  })), { retryIfNoisy: true, alsoUnderTest });
  const rate = Math.max(returning.okPerSecond, single.first.okPerSecond);
  const pool = await newIdentityPool(rate, settings.warmupSeconds + settings.durationSeconds, db.kind);
  const first = await scenario(servers, what(`first logins, ${pool.size} pre-signed identities`), servers.map((s) => ({
    url: `${s.url}/auth/google/token`, ...JSON_POST, nextBody: pool.next, settings: perInstance, sampleErrorBodies: true,
    expectInBody: '"is_new_user":true',
  })), { alsoUnderTest });
  const ranOut = poolRanOut(pool, db.label);
  if (ranOut) flags.push(ranOut);

  const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
  notes.push(`${db.label} ${where.node.version}: server RSS at the end ${servers.map((s) => mb(s.memory().rssBytes)).join(' and ')} ` +
    `(peak ${servers.map((s) => mb(s.memory().peakRssBytes)).join(' and ')}); no RSS row (fewer logins each).`);
  for (const [i, server] of servers.entries()) await reportServerLog(`${db.label} ${where.node.version} instance ${i + 1}`, server);
  return [
    versus('2. GET /users/me (guarded)', me, single.me, 'req/s'),
    versus('3. Login, returning user', returning, single.returning, 'logins/s'),
    versus('4. Login, first login (new user)', first, single.first, 'logins/s'),
  ];
}
