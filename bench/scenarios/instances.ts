/**
 * Rows 2-4 against two server processes sharing the PostgreSQL schema, Redis and the signing key. The load is
 * spread by one autocannon per instance at the same time (half the connections each) and their results summed; no
 * balancer process competes for the cores. Judged on server CPU per request against the one-instance rows: a
 * 2-core machine cannot show throughput doubling, but shared state that serializes would show as CPU per request.
 */
import { loginOnce } from '../app-servers.js';
import { flags, NOISE_WARN_CPUS, notes, settings, MB } from '../context.js';
import { loginBody, newIdentityPool, poolRanOut } from '../identities.js';
import type { LoadSpec } from '../load.js';
import { cpuVerdict, throughputRow, type Row } from '../report.js';
import { scenario, type Measured, type Setup } from '../scenario.js';
import { reportServerLog } from '../server-log.js';
import type { ChildServer } from '../servers.js';
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
      notes.push(
        `WARNING: "x one" of "${r.title}" compares runs during which other processes used ${one.otherCpus.toFixed(2)} ` +
          `(one instance) and ${r.otherCpus.toFixed(2)} CPUs (two instances): the throughput ratio is unreliable.`,
      );
    }
    const cpuRatio = r.cpuPerOkMs / one.cpuPerOkMs;
    return {
      ...throughputRow(
        scenarioName,
        where,
        r,
        baselineRate,
        unit,
        `CPU <= ${INSTANCE_CPU_RATIO.toFixed(2)}x one`,
        cpuVerdict(cpuRatio, INSTANCE_CPU_RATIO, r, one),
      ),
      vsOne: one.okPerSecond > 0 ? (r.okPerSecond / one.okPerSecond).toFixed(2) : '-',
      cpuVsOne: Number.isFinite(cpuRatio) ? cpuRatio.toFixed(2) : '-',
    };
  };

  // One login on the first instance; the access token must work on every instance (shared signing key).
  const returningBody = await loginBody(`returning-${db.kind}`);
  const accessToken = await loginOnce(servers[0], returningBody);
  for (const server of servers.slice(1)) {
    const me = await fetch(`${server.url}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    const text = await me.text();
    if (me.status !== 200)
      throw new Error(`${server.name}: GET /users/me with a token of ${servers[0].name} answered ${me.status}: ${text.slice(0, 300)}`);
  }

  const what = (name: string) => `${name} (${db.label}, ${where.node.version})`;
  // Each scenario first against instance 1 alone at the per-instance load (the other idle), then against both: the
  // like-for-like comparison (same processes, schema, Redis, connections per process), judged; see bench/README.md.
  const meSpec = (s: ChildServer) => ({
    url: `${s.url}/users/me`,
    headers: { authorization: `Bearer ${accessToken}` },
    settings: perInstance,
    sampleErrorBodies: true,
    expectInBody: '"username"',
  });
  const returningSpec = (s: ChildServer) => ({
    url: `${s.url}/auth/google/token`,
    ...JSON_POST,
    body: returningBody,
    settings: perInstance,
    sampleErrorBodies: true,
    expectInBody: '"is_new_user":false',
  });
  const firstSpec = (next: () => string) => (s: ChildServer) => ({
    url: `${s.url}/auth/google/token`,
    ...JSON_POST,
    nextBody: next,
    settings: perInstance,
    sampleErrorBodies: true,
    expectInBody: '"is_new_user":true',
  });
  const alone = (name: string, spec: (s: ChildServer) => Omit<LoadSpec, 'title'>, retryIfNoisy = true) =>
    scenario([servers[0]], what(`${name}, instance 1 alone`), [spec(servers[0])], { retryIfNoisy, alsoUnderTest });
  const both = (name: string, spec: (s: ChildServer) => Omit<LoadSpec, 'title'>, retryIfNoisy = true) =>
    scenario(servers, what(name), servers.map(spec), { retryIfNoisy, alsoUnderTest });

  const meAlone = await alone('GET /users/me', meSpec);
  const me = await both('GET /users/me', meSpec);
  const returningAlone = await alone('returning-user logins', returningSpec);
  const returning = await both('returning-user logins', returningSpec);
  const rate = Math.max(returning.okPerSecond, single.first.okPerSecond);
  const seconds = settings.warmupSeconds + settings.durationSeconds;
  const alonePool = await newIdentityPool(rate / servers.length, seconds, `${db.kind}a`);
  // Not repeated when noisy: the pre-signed identities would run out.
  const firstAlone = await alone(`first logins, ${alonePool.size} pre-signed identities`, firstSpec(alonePool.next), false);
  const pool = await newIdentityPool(rate, seconds, db.kind);
  const first = await both(`first logins, ${pool.size} pre-signed identities`, firstSpec(pool.next), false);
  for (const p of [alonePool, pool]) {
    const ranOut = poolRanOut(p, db.label);
    if (ranOut) flags.push(ranOut);
  }

  const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
  notes.push(
    `${db.label} ${where.node.version}: server RSS at the end ${servers.map((s) => mb(s.memory().rssBytes)).join(' and ')} ` +
      `(peak ${servers.map((s) => mb(s.memory().peakRssBytes)).join(' and ')}); no RSS row (fewer logins each).`,
  );
  for (const [i, server] of servers.entries()) await reportServerLog(`${db.label} ${where.node.version} instance ${i + 1}`, server);
  const rows: Row[] = [];
  for (const [name, two, oneAlone, oneRow, unit] of [
    ['2. GET /users/me (guarded)', me, meAlone, single.me, 'req/s'],
    ['3. Login, returning user', returning, returningAlone, single.returning, 'logins/s'],
    ['4. Login, first login (new user)', first, firstAlone, single.first, 'logins/s'],
  ] as const) {
    rows.push(
      throughputRow(`${name.split(' ')[0]} instance 1 alone, ${perInstance.connections} conns`, where, oneAlone, baselineRate, unit),
    );
    rows.push(versus(name, two, oneAlone, unit));
    notes.push(
      `${what(name)}: two instances' CPU per request is ${(two.cpuPerOkMs / oneAlone.cpuPerOkMs).toFixed(2)}x instance 1 alone at ` +
        `${perInstance.connections} connections (judged) and ${(two.cpuPerOkMs / oneRow.cpuPerOkMs).toFixed(2)}x the one-instance row at ${settings.connections}.`,
    );
  }
  return rows;
}
