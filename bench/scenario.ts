/**
 * One load phase against the server(s): run (again if the machine was busy), count the servers' CPU over the
 * measured seconds, flag non-2xx answers and wrong bodies, and check the servers are still alive.
 */
import { flags, fmtInt, NOISE_WARN_CPUS, notes, progress, settings } from './context.js';
import { cpuMeter } from './cpu.js';
import { runLoad, type LoadResult, type LoadSpec, type PhaseCounts } from './load.js';
import { cpuSnapshot, interference } from './machine.js';
import type { Where } from './report.js';
import type { ChildServer } from './servers.js';
import type { Database } from './stores.js';

/** The servers of one set-up and what its rows are compared with. */
export interface Setup {
  servers: ChildServer[];
  db: Database;
  where: Where;
  /** The same Node's baseline req/s in this run. */
  baselineRate: number;
  /** A local PostgreSQL and Redis: see ScenarioOptions.alsoUnderTest. */
  alsoUnderTest: string[];
}

/** A load phase as kept for the table: the quietest of its attempts. */
export interface Measured extends LoadResult {
  /** CPUs' worth of time other processes on the machine used meanwhile. */
  otherCpus: number;
  /** Server CPU (user + system, all server processes) per 2xx answer of the measured phase, in ms. */
  cpuPerOkMs: number;
}

export interface ScenarioOptions {
  /** Run it once more if other processes took more than NOISE_WARN_CPUS meanwhile, and keep the quieter run. */
  retryIfNoisy?: boolean;
  /** Sees every attempt, kept or not (to count the logins the server has done). */
  onAttempt?: (result: LoadResult) => void;
  /** Names of other processes working for the server (a local `postgres`), not counted as "other CPU". */
  alsoUnderTest?: string[];
}

/**
 * Runs one load phase (twice at most, see ScenarioOptions). Several specs (one per server instance: spec i loads
 * servers[i]) run at the same time and their results are summed (combineResults); one spec loads every server given.
 */
export async function scenario(
  servers: ChildServer[],
  what: string,
  specs: Array<Omit<LoadSpec, 'title'>>,
  options: ScenarioOptions = {},
): Promise<Measured> {
  const spec = specs[0];
  const load = spec.settings ?? settings;
  const how =
    (spec.amount !== undefined ? `${spec.amount} requests` : `${load.warmupSeconds} s warm-up + ${load.durationSeconds} s`) +
    (specs.length > 1 ? `, ${specs.length} autocannon runs at once (${load.connections} connections each)` : '');
  const pids = [process.pid, ...servers.map((s) => s.pid)];
  const attempts = options.retryIfNoisy ? 2 : 1;
  let kept: Measured | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const label = attempt > 1 ? `${what} (attempt ${attempt})` : what;
    progress(`${label}: ${how} ...`);
    const before = cpuSnapshot(pids, options.alsoUnderTest);
    const meters = specs.map((_, i) => cpuMeter(specs.length === 1 ? servers.map((s) => s.pid) : [servers[i].pid]));
    const results = await Promise.all(specs.map((s, i) => runLoad({ title: what, ...s, onMeasuredStart: meters[i].start })));
    const serverCpuMs = meters.reduce((sum, meter) => sum + meter.stop(), 0);
    const result = results.length === 1 ? results[0] : combineResults(results);
    const { otherCpus } = interference(before, cpuSnapshot(pids, options.alsoUnderTest));
    const cpuPerOkMs = result.ok > 0 ? serverCpuMs / result.ok : Number.NaN;
    progress(
      `  ${fmtInt(result.okPerSecond)} 2xx/s, ${cpuPerOkMs.toFixed(3)} ms server CPU per 2xx, ${result.non2xx} non-2xx, ` +
        `${result.errors} errors; other processes used ${otherCpus.toFixed(2)} CPUs`,
    );
    options.onAttempt?.(result);
    checkForErrors(label, result);
    if (result.ok === 0 && spec.amount === undefined)
      flags.push(`${label}: no 2xx answer in the measured ${load.durationSeconds} s (too short for this machine's load?)`);
    for (const server of servers) {
      const exit = server.exitStatus();
      if (exit) throw new Error(`${server.name} ${exit} during "${label}"\n--- last lines of its log ---\n${server.logTail()}`);
    }
    if (!kept || otherCpus < kept.otherCpus) kept = { ...result, otherCpus, cpuPerOkMs };
    if (otherCpus <= NOISE_WARN_CPUS) break;
    if (attempt < attempts) progress('  the machine was busy with other work: running it again');
  }
  if (kept!.otherCpus > NOISE_WARN_CPUS) {
    notes.push(
      `WARNING: other processes used ${kept!.otherCpus.toFixed(2)} CPUs during "${what}": its numbers are low by an unknown amount.`,
    );
  }
  return kept!;
}

/**
 * The sum of load phases that ran at the same time against different instances: counts and 2xx/s add up; the
 * latency percentiles cannot be merged from autocannon's summaries, so the higher of the runs' p50 / p99 is kept.
 */
function combineResults(results: LoadResult[]): LoadResult {
  const sumCounts = (phases: PhaseCounts[]): PhaseCounts => {
    const statusCodes: Record<string, number> = {};
    for (const p of phases) for (const [code, n] of Object.entries(p.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
    const sum = (f: (p: PhaseCounts) => number): number => phases.reduce((acc, p) => acc + f(p), 0);
    return {
      seconds: Math.max(...phases.map((p) => p.seconds)),
      ok: sum((p) => p.ok),
      non2xx: sum((p) => p.non2xx),
      errors: sum((p) => p.errors),
      timeouts: sum((p) => p.timeouts),
      mismatches: sum((p) => p.mismatches),
      statusCodes,
    };
  };
  const warmups = results.map((r) => r.warmup).filter((w): w is PhaseCounts => w !== undefined);
  const errorSamples: Record<string, string[]> = {};
  for (const r of results) for (const [code, bodies] of Object.entries(r.errorSamples)) (errorSamples[code] ??= []).push(...bodies);
  return {
    title: results[0].title,
    expectedInBody: results[0].expectedInBody,
    ...sumCounts(results),
    okPerSecond: results.reduce((acc, r) => acc + r.okPerSecond, 0),
    latencyP50Ms: Math.max(...results.map((r) => r.latencyP50Ms)),
    latencyP99Ms: Math.max(...results.map((r) => r.latencyP99Ms)),
    latencyMaxMs: Math.max(...results.map((r) => r.latencyMaxMs)),
    warmup: warmups.length > 0 ? sumCounts(warmups) : undefined,
    errorSamples,
  };
}

function checkForErrors(what: string, result: LoadResult): void {
  const phases: Array<[string, PhaseCounts | undefined]> = [
    ['measured', result],
    ['warm-up', result.warmup],
  ];
  for (const [phase, counts] of phases) {
    if (!counts) continue;
    if (counts.non2xx > 0 || counts.errors > 0) {
      const codes = Object.entries(counts.statusCodes)
        .map(([code, n]) => `${code}: ${fmtInt(n)}`)
        .join(', ');
      flags.push(
        `${what}, ${phase}: ${fmtInt(counts.non2xx)} non-2xx, ${fmtInt(counts.errors)} socket errors ` +
          `(${fmtInt(counts.timeouts)} timeouts); status codes {${codes}}`,
      );
    }
    // Non-2xx answers are mismatches too; only the rest are 2xx answers with an unexpected body.
    const wrongBodies = counts.mismatches - counts.non2xx;
    if (wrongBodies > 0)
      flags.push(`${what}, ${phase}: ${fmtInt(wrongBodies)} answers lacked the expected ${JSON.stringify(result.expectedInBody)}`);
  }
  for (const [status, bodies] of Object.entries(result.errorSamples)) {
    for (const body of new Set(bodies)) flags.push(`  ${what}: sample ${status} body: ${body.replace(/\s+/g, ' ')}`);
  }
}
