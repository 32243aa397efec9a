/**
 * `npm run bench`: the guarded route, a user's own route guarded and not, logins (throughput and server CPU per
 * login), memory, and the token endpoint, each against a bare `node:http` baseline measured on the same Node in the
 * same run, on every Node in BENCH_NODES, on SQLite and on PostgreSQL(+Redis, one and two instances). Each row
 * issue 14 sets a target for prints it and a verdict. See bench/README.md for what each row means.
 *
 * The servers run as child processes (servers.ts), the load comes from autocannon in this process (load.ts), and
 * Google is the test suite's FakeGoogle, also in this process. Progress goes to stderr, the report to stdout.
 * Exit code: 0 when every scenario ran without a non-2xx answer or socket error (targets missed are reported,
 * not fatal), 1 when a scenario was flagged or the bench itself failed.
 */
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { loginOnce, startServers } from './app-servers.js';
import { disposers, flags, google, knobs, notes, progress, settings, tmpDir, type NodeRuntime } from './context.js';
import { loginBody } from './identities.js';
import { LoginCounter, measureRss, measureSoak } from './memory.js';
import { printReport, throughputRow, type Row } from './report.js';
import { scenario, type Setup } from './scenario.js';
import { measureFloor } from './scenarios/floor.js';
import { measureGuarded } from './scenarios/guarded.js';
import { measureInstances, type SingleResults } from './scenarios/instances.js';
import { measureLogins } from './scenarios/logins.js';
import { prepareTokenEndpoint } from './scenarios/token-endpoint.js';
import { reportServerLog } from './server-log.js';
import { killAllSync, startBaseline, stopAll } from './servers.js';
import { prepareRedis, preparePostgres, servicesUnderTest, type Database } from './stores.js';

const { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } = process.env;

async function main(): Promise<void> {
  await google.start();
  progress(
    `temp dir ${tmpDir}; FakeGoogle at ${google.baseUrl}; servers on ${knobs.nodes.map((n) => `${n.version} (${n.path})`).join(', ')}`,
  );
  if (!databaseUrl)
    notes.push(`DATABASE_URL is not set: PostgreSQL rows${redisUrl ? ' (and Redis)' : ''} and the two-instance set-up skipped.`);
  else if (!redisUrl)
    notes.push('REDIS_URL is not set: PostgreSQL rows run without Redis (in-memory stores), the two-instance set-up is skipped.');
  const rows: Row[] = [];
  for (const node of knobs.nodes) rows.push(...(await measureNode(node)));
  printReport(rows);
}

/** Every row on one Node: its own baseline first, then each database set-up. */
async function measureNode(node: NodeRuntime): Promise<Row[]> {
  const baselineServer = await startBaseline(tmpDir, node.path);
  const baseline = await scenario(
    [baselineServer],
    `Baseline (node:http, ${node.version})`,
    [{ url: `${baselineServer.url}/`, settings }],
    { retryIfNoisy: true },
  ).finally(() => baselineServer.stop());
  const baselineRate = baseline.okPerSecond;
  const rows = [throughputRow('1. Baseline: node:http JSON hello', { node, db: '-' }, baseline, baselineRate, 'req/s')];
  // Rows 1a/1b, the floor under row 2: wherever row 2 runs on SQLite.
  if (!knobs.soakOnly && !knobs.loginsOnly && !knobs.tokenEndpointOnly && !knobs.instancesOnly)
    rows.push(...(await measureFloor(node, baselineRate)));

  if (knobs.instancesOnly && !(databaseUrl && redisUrl)) throw new Error('BENCH_ONLY=instances needs DATABASE_URL and REDIS_URL');
  const databases: Database[] = knobs.instancesOnly ? [] : [{ label: 'SQLite', key: `sqlite-${node.tag}`, kind: 'sqlite' }];
  if (databaseUrl) {
    databases.push({
      label: redisUrl ? 'PostgreSQL+Redis' : 'PostgreSQL',
      key: `postgres-${node.tag}`,
      kind: 'postgres',
      url: await preparePostgres(databaseUrl, `_${node.tag}`),
      redis: redisUrl ? await prepareRedis(redisUrl, `${node.tag}-one`) : undefined,
    });
  }
  let single: SingleResults | undefined;
  for (const db of databases) {
    if (!knobs.soakOnly) {
      const measured = await measureOneServer(db, node, baselineRate);
      rows.push(...measured.rows);
      single = measured.single;
    }
    if (knobs.soakSeconds > 0)
      rows.push(await measureSoak({ db, where: { node, db: db.label }, baselineRate, alsoUnderTest: servicesUnderTest(db) }));
  }

  if (databaseUrl && redisUrl && single && !knobs.loginsOnly) {
    // A fresh schema and key prefix, so that row 4 starts from an empty users table as in the one-instance run.
    const cluster: Database = {
      label: '2 instances (PostgreSQL+Redis)',
      key: `postgres2-${node.tag}`,
      kind: 'postgres2',
      url: await preparePostgres(databaseUrl, `_${node.tag}_2`),
      redis: await prepareRedis(redisUrl, `${node.tag}-two`),
    };
    const servers = await startServers(cluster, 2, node);
    try {
      rows.push(
        ...(await measureInstances(
          { servers, db: cluster, where: { node, db: cluster.label }, baselineRate, alsoUnderTest: servicesUnderTest(cluster) },
          single,
        )),
      );
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
    notes.push(
      'The two-instance rows share 2 CPUs between two server processes, the load generator, PostgreSQL and Redis ' +
        `(this machine has ${cpus().length}): "x one" measures contention for those cores as much as scaling; "CPU x one" does not.`,
    );
  }
  return rows;
}

/** Rows 2-7 against one server process, in this order, so that the RSS row covers every login before it. */
async function measureOneServer(
  db: Database,
  node: NodeRuntime,
  baselineRate: number,
): Promise<{ rows: Row[]; single: SingleResults | undefined }> {
  const servers = await startServers(db, 1, node);
  const server = servers[0];
  try {
    const setup: Setup = { servers, db, where: { node, db: db.label }, baselineRate, alsoUnderTest: servicesUnderTest(db) };
    const bootRss = server.memory().rssBytes;
    // One real login first: it creates the returning user and yields the access token for the guarded routes.
    const returningBody = await loginBody(`returning-${db.kind}`);
    const accessToken = await loginOnce(server, returningBody);
    if (knobs.guardedOnly) return { rows: (await measureGuarded(setup, accessToken)).rows, single: undefined };
    const measureTokenEndpoint = knobs.loginsOnly || knobs.instancesOnly ? async () => [] : await prepareTokenEndpoint(setup, accessToken);
    const counter = new LoginCounter();
    counter.logins = 1;
    const rows: Row[] = [];
    let single: SingleResults | undefined;
    if (!knobs.tokenEndpointOnly) {
      const guarded = knobs.loginsOnly ? undefined : await measureGuarded(setup, accessToken);
      const logins = await measureLogins(setup, returningBody, counter.count);
      rows.push(
        ...(guarded?.rows ?? []),
        ...logins.rows,
        ...(knobs.instancesOnly ? [] : await measureRss(setup, bootRss, returningBody, counter)),
      );
      single = guarded && { me: guarded.me, returning: logins.returning, first: logins.first };
    }
    rows.push(...(await measureTokenEndpoint()));
    await reportServerLog(`${db.label} ${node.version}`, server);
    return { rows, single };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

let cleaning: Promise<void> | undefined;
/** Children, FakeGoogle, the PostgreSQL schemas, Redis keys, the temp dir: once, whatever happened. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAll().catch((e: unknown) => progress(`stopping servers failed: ${String(e)}`));
    await google.stop().catch(() => undefined);
    for (const dispose of disposers) await dispose().catch((e: unknown) => progress(`cleanup failed: ${String(e)}`));
    rmSync(tmpDir, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the servers and cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.once('exit', () => {
  killAllSync();
  rmSync(tmpDir, { recursive: true, force: true });
});

main()
  .then(() => cleanup())
  .then(() => {
    process.exitCode = flags.length > 0 ? 1 : 0;
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`\n[bench] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    await cleanup();
    process.exitCode = 1;
  });
