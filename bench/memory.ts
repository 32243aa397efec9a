/**
 * Memory rows. 5: RSS after 20,000+ logins against RSS at boot. 5a (BENCH_LEAK=1): RSS after 100,000 further
 * logins, no higher than row 5's. 5b (BENCH_SOAK=1): a server with a capped old space under sustained logins for
 * BENCH_SOAK_SECONDS must not exit (V8's out-of-memory abort).
 */
import { loginOnce, startServers } from './app-servers.js';
import { flags, fmtInt, knobs, MB, notes, settings } from './context.js';
import { loginBody } from './identities.js';
import type { LoadResult } from './load.js';
import { plainRow, throughputRow, verdict, type Row } from './report.js';
import { scenario, type Setup } from './scenario.js';
import { JSON_POST } from './scenarios/logins.js';

/** Issue 14: RSS after 20,000 logins at most this multiple of RSS at boot. */
export const RSS_GROWTH_LIMIT = 1.5;

/** Counts every successful login a server has done (warm-ups included). */
export class LoginCounter {
  logins = 0;
  readonly count = (r: LoadResult): void => {
    this.logins += r.ok + (r.warmup?.ok ?? 0);
  };
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

/** Tops the server's logins up to `wanted` with returning-user logins (at most three rounds). */
async function topUp(setup: Setup, returningBody: string, counter: LoginCounter, wanted: number, what: string): Promise<void> {
  const { servers, db, alsoUnderTest } = setup;
  for (let round = 0; counter.logins < wanted && round < 3; round++) {
    const missing = wanted - counter.logins;
    await scenario(
      servers,
      `${fmtInt(missing)} ${what} (${db.label}, ${setup.where.node.version})`,
      [
        {
          url: `${servers[0].url}/auth/google/token`,
          ...JSON_POST,
          body: returningBody,
          amount: Math.max(missing, settings.connections),
          settings,
          sampleErrorBodies: true,
          expectInBody: '"is_new_user":false',
        },
      ],
      { onAttempt: counter.count, alsoUnderTest },
    );
  }
}

/**
 * Where the RSS is, from the server's own `/metrics` (prom-client's default metrics): V8's heap spaces (committed
 * size) and the external (off-heap) memory, so a reader can tell the young generation, the old space and native
 * memory apart. Empty when the endpoint does not answer.
 */
async function heapBreakdown(url: string): Promise<string> {
  const text = await fetch(`${url}/metrics`).then(
    (r) => (r.ok ? r.text() : ''),
    () => '',
  );
  const sizes = [...text.matchAll(/^nodejs_heap_space_size_total_bytes\{space="(\w+)"\} (\d+)/gm)]
    .filter(([, , bytes]) => Number(bytes) >= MB / 10)
    .map(([, space, bytes]) => `${space} ${mb(Number(bytes))}`);
  const external = /^nodejs_external_memory_bytes (\d+)/m.exec(text);
  // Time in GC since boot, by kind: what a smaller heap costs in collections.
  const gc = [...text.matchAll(/^nodejs_gc_duration_seconds_sum\{kind="(\w+)"\} ([\d.e+-]+)/gm)]
    .filter(([, , seconds]) => Number(seconds) > 0)
    .map(([, kind, seconds]) => `${kind} ${Number(seconds).toFixed(2)} s`);
  return sizes.length === 0
    ? ''
    : `; V8 heap spaces (committed): ${sizes.join(', ')}${external ? `; external ${mb(Number(external[1]))}` : ''}` +
        (gc.length > 0 ? `; time in GC since boot: ${gc.join(', ')}` : '');
}

/** Rows 5 and (BENCH_LEAK=1) 5a, on the set-up's one server after the login rows. */
export async function measureRss(setup: Setup, bootRss: number, returningBody: string, counter: LoginCounter): Promise<Row[]> {
  const { servers, db, where } = setup;
  const server = servers[0];
  await topUp(setup, returningBody, counter, knobs.rssLogins, 'extra returning-user logins before reading RSS');
  const after = server.memory();
  const complete = counter.logins >= knobs.rssLogins;
  if (!complete) flags.push(`${db.label}: only ${counter.logins} logins succeeded before the RSS reading (wanted ${knobs.rssLogins}).`);
  const rows = [
    plainRow(
      `5. Server RSS after ${fmtInt(counter.logins)} logins`,
      where,
      mb(after.rssBytes),
      `<= ${RSS_GROWTH_LIMIT}x boot (${mb(bootRss)})`,
      complete ? `${verdict(after.rssBytes / bootRss, RSS_GROWTH_LIMIT)} (${(after.rssBytes / bootRss).toFixed(2)}x)` : 'INCOMPLETE',
    ),
  ];
  notes.push(
    `${db.label} ${where.node.version} server RSS: ${mb(bootRss)} after boot, ${mb(after.rssBytes)} after ` +
      `${fmtInt(counter.logins)} logins, peak (VmHWM) ${mb(after.peakRssBytes)}${await heapBreakdown(server.url)}.`,
  );

  if (knobs.leakLogins > 0) {
    const before = counter.logins;
    await topUp(setup, returningBody, counter, before + knobs.leakLogins, 'further returning-user logins for the leak row');
    const later = server.memory();
    const done = counter.logins - before >= knobs.leakLogins;
    rows.push(
      plainRow(
        `5a. Server RSS after ${fmtInt(counter.logins - before)} further logins`,
        where,
        mb(later.rssBytes),
        `<= row 5 (${mb(after.rssBytes)})`,
        done ? verdict(later.rssBytes, after.rssBytes) : 'INCOMPLETE',
      ),
    );
    notes.push(
      `${db.label} ${where.node.version} leak row: peak (VmHWM) ${mb(later.peakRssBytes)} after ${fmtInt(counter.logins)} logins in all${await heapBreakdown(server.url)}.`,
    );
  }
  return rows;
}

/**
 * Row 5b (BENCH_SOAK=1): a fresh server with `--max-old-space-size=BENCH_SOAK_MAX_OLD_SPACE_MB` (the shipped cap by default,
 * the setting docs/deployment.md gives for a 2-core instance) under returning-user logins for BENCH_SOAK_SECONDS.
 */
export async function measureSoak(setup: Omit<Setup, 'servers'>): Promise<Row> {
  const { db, where, baselineRate, alsoUnderTest } = setup;
  const flag = `--max-old-space-size=${knobs.soakMaxOldSpaceMb}`;
  const soakDb = { ...db, key: `${db.key}-soak` };
  const servers = await startServers(soakDb, 1, where.node, [flag]);
  const server = servers[0];
  const target = `no exit under ${knobs.soakSeconds} s of logins with ${flag}`;
  try {
    const body = await loginBody(`soak-${db.kind}`);
    await loginOnce(server, body);
    const soakSettings = { ...settings, warmupSeconds: 0, durationSeconds: knobs.soakSeconds };
    const soak = await scenario(
      servers,
      `soak: returning-user logins, ${flag} (${db.label}, ${where.node.version})`,
      [
        {
          url: `${server.url}/auth/google/token`,
          ...JSON_POST,
          body,
          settings: soakSettings,
          sampleErrorBodies: true,
          expectInBody: '"is_new_user":false',
        },
      ],
      { alsoUnderTest },
    );
    const memory = server.memory();
    notes.push(
      `${db.label} ${where.node.version} soak (${flag}): RSS ${mb(memory.rssBytes)} at the end, peak (VmHWM) ${mb(memory.peakRssBytes)}, ` +
        `${fmtInt(soak.ok)} logins.`,
    );
    return {
      ...throughputRow(`5b. Soak: logins for ${knobs.soakSeconds} s, ${flag}`, where, soak, baselineRate, 'logins/s', target, 'PASS'),
      result: `${fmtInt(soak.okPerSecond)} logins/s, peak RSS ${mb(memory.peakRssBytes)}`,
    };
  } catch (error) {
    // scenario() throws when the server exited: that is the verdict of this row, not a failure of the bench.
    const exit = server.exitStatus();
    if (!exit) throw error;
    flags.push(
      `Soak (${db.label}, ${where.node.version}): the server ${exit}: ${(error as Error).message.split('\n').slice(-5).join(' ')}`,
    );
    return plainRow(`5b. Soak: logins for ${knobs.soakSeconds} s, ${flag}`, where, `server ${exit}`, target, 'MISS');
  } finally {
    await server.stop();
  }
}
