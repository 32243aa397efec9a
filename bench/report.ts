/** The table `npm run bench` prints: a row per scenario, its target and verdict, then notes and flags. */
import { cpus } from 'node:os';
import {
  flags,
  fmtInt,
  fmtMs,
  knobs,
  NOISE_WARN_CPUS,
  notes,
  serverEnvOverrides,
  settings,
  loginSettings,
  type NodeRuntime,
} from './context.js';
import { fmtCpuMs } from './cpu.js';
import { describeLoadSettings } from './load.js';
import type { Measured } from './scenario.js';
import { SHIPPED_NODE_ARGS } from './servers.js';

export interface Row {
  scenario: string;
  /** The Node version the server(s) of this row ran on. */
  node: string;
  db: string;
  result: string;
  ratio: string;
  /** Server CPU per 2xx answer of the measured phase, ms. */
  cpu: string;
  /** Two-instance result / one-instance result of the same database set-up ('-' on one-instance rows). */
  vsOne: string;
  /** Two-instance CPU per request / one-instance CPU per request. */
  cpuVsOne: string;
  target: string;
  verdict: string;
  p50: string;
  p99: string;
  ok: string;
  non2xx: string;
  errors: string;
  noise: string;
}

/**
 * Below this many 2xx answers in the measured phase, CPU per request is mostly work that is not theirs (GC, JIT
 * compilation, log flushing, answers to warm-up requests): the CPU column shows `~` and CPU verdicts say "few 2xx".
 */
export const CPU_MIN_ANSWERS = 500;

/** A verdict on CPU per request (`value` derived from `measured`), qualified when they had too few answers. */
export function cpuVerdict(value: number, limit: number, ...measured: Measured[]): string {
  const text = verdict(value, limit);
  return text !== 'NO DATA' && measured.some((m) => m.ok < CPU_MIN_ANSWERS) ? `${text} (few 2xx)` : text;
}

/** Where a row ran: the servers' Node and the database set-up's label. */
export interface Where {
  node: NodeRuntime;
  db: string;
}

/** PASS or MISS for `value <= limit` (or `>=` with `atLeast`); NO DATA when there is no value (no 2xx answers). */
export function verdict(value: number, limit: number, atLeast = false): string {
  if (!Number.isFinite(value)) return 'NO DATA';
  return (atLeast ? value >= limit : value <= limit) ? 'PASS' : 'MISS';
}

/** A row without load figures (memory, soak). */
export function plainRow(scenario: string, where: Where, result: string, target: string, verdictText: string): Row {
  return {
    scenario,
    node: where.node.version,
    db: where.db,
    result,
    ratio: '-',
    cpu: '-',
    vsOne: '-',
    cpuVsOne: '-',
    target,
    verdict: verdictText,
    p50: '-',
    p99: '-',
    ok: '-',
    non2xx: '-',
    errors: '-',
    noise: '-',
  };
}

export function throughputRow(
  scenario: string,
  where: Where,
  r: Measured,
  baselineRate: number,
  unit: string,
  target = '-',
  verdictText = '-',
): Row {
  const failed = [r, r.warmup].some((c) => c !== undefined && (c.non2xx > 0 || c.errors > 0 || c.mismatches > c.non2xx));
  return {
    ...plainRow(
      scenario,
      where,
      `${fmtInt(r.okPerSecond)} ${unit}`,
      target,
      failed ? (verdictText === '-' ? 'ERRORS' : `${verdictText}, ERRORS`) : verdictText,
    ),
    ratio: baselineRate > 0 ? (r.okPerSecond / baselineRate).toFixed(2) : '-',
    cpu: `${r.ok < CPU_MIN_ANSWERS && r.ok > 0 ? '~' : ''}${fmtCpuMs(r.cpuPerOkMs)}`,
    p50: fmtMs(r.latencyP50Ms),
    p99: fmtMs(r.latencyP99Ms),
    ok: fmtInt(r.ok),
    non2xx: fmtInt(r.non2xx),
    errors: fmtInt(r.errors),
    noise: r.otherCpus.toFixed(2),
  };
}

export function printReport(rows: Row[]): void {
  const cpu = cpus();
  const out: string[] = [];
  out.push('');
  out.push(`nest-social-auth benchmark, ${new Date().toISOString()}`);
  out.push(
    `Machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), bench process on Node ${process.version}, ${process.platform}`,
  );
  out.push(`Load:    ${describeLoadSettings(settings)}; the login rows (3, 4) after a ${loginSettings.warmupSeconds} s warm-up`);
  const overrides = Object.entries(serverEnvOverrides)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  out.push(
    'Servers: child processes on 127.0.0.1 running on the Node of their row; baseline = bench/baseline-server.ts; ' +
      `app = node ${[...SHIPPED_NODE_ARGS, ...knobs.serverNodeArgs].map((a) => `${a} `).join('')}dist/main.js with NODE_ENV=development, ` +
      `defaults otherwise (JWT ES256, LOG_LEVEL info, stdout to a file) except /auth rate limits raised out of reach, the dev IdP and demo off and BENCH_ROUTES=true${overrides ? `; set: ${overrides}` : ''}; ` +
      'Google = FakeGoogle (RS256 ID tokens) in the bench process',
  );
  out.push(
    'Result = 2xx answers per measured second; "x baseline" = that / the same Node\'s baseline req/s in this run; "CPU ms" = server CPU ' +
      '(user + system from /proc/<pid>/stat, all server processes of the row) over the measured seconds / 2xx answers ' +
      `(~: fewer than ${CPU_MIN_ANSWERS} answers, dominated by background work); p50/p99 = latency of 2xx answers; ` +
      'non-2xx and errors (socket errors + timeouts) are of the measured phase (warm-up problems are listed under Flags); ' +
      `"other CPU" = CPUs' worth of time other processes on the machine used meanwhile (above ${NOISE_WARN_CPUS} the row is suspect).`,
  );
  const hasInstances = rows.some((r) => r.vsOne !== '-');
  if (hasInstances) {
    const per = Math.max(1, Math.round(settings.connections / 2));
    out.push(
      `2 instances: two app processes sharing the PostgreSQL schema, Redis and the signing key; the load is spread by two autocannon ` +
        `runs at the same time in the bench process (${per} connections each, same warm-up and duration), their results summed ` +
        "(no balancer process, which would compete for the same cores); p50/p99 = the higher of the two runs'; " +
        `"x one" = two-instance result / the result of instance 1 alone just before (the other idle, ${per} connections); ` +
        '"CPU x one" = the same for CPU ms per request (judged; the notes also give it against the one-instance row).',
    );
  }
  out.push('');
  const header: Row = {
    scenario: 'Scenario',
    node: 'Node',
    db: 'DB',
    result: 'Result',
    ratio: 'x baseline',
    cpu: 'CPU ms',
    vsOne: 'x one',
    cpuVsOne: 'CPU x one',
    target: 'Target',
    verdict: 'Verdict',
    p50: 'p50 ms',
    p99: 'p99 ms',
    ok: '2xx',
    non2xx: 'non-2xx',
    errors: 'errors',
    noise: 'other CPU',
  };
  // The two-instance columns only when there are two-instance rows.
  const columns = (Object.keys(header) as Array<keyof Row>).filter((c) => hasInstances || (c !== 'vsOne' && c !== 'cpuVsOne'));
  const rightAligned = new Set<keyof Row>(['result', 'ratio', 'cpu', 'vsOne', 'cpuVsOne', 'p50', 'p99', 'ok', 'non2xx', 'errors', 'noise']);
  const widths = columns.map((c) => Math.max(...[header, ...rows].map((r) => r[c].length)));
  const line = (r: Row): string =>
    `| ${columns.map((c, i) => (rightAligned.has(c) ? r[c].padStart(widths[i]) : r[c].padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  out.push(line(header), rule, ...rows.map(line));
  out.push('');
  for (const note of notes) out.push(`Note: ${note}`);
  out.push(flags.length === 0 ? 'Flags: none (no non-2xx answers, no socket errors).' : 'Flags:');
  for (const flag of flags) out.push(`  ! ${flag}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
