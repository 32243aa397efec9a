/**
 * The load generator: a thin wrapper over autocannon's programmatic API. It runs in the bench process, keeps
 * every connection busy (pipelining 1: one request in flight per connection, the next sent as soon as the answer
 * arrives), and boils autocannon's result down to what the table needs, counting every non-2xx answer and
 * every socket error or timeout so that a scenario that "went fast" by failing is visible.
 */
import { createRequire } from 'node:module';
import autocannon from 'autocannon';

const require = createRequire(import.meta.url);
const AUTOCANNON_VERSION = (require('autocannon/package.json') as { version: string }).version;

export interface LoadSettings {
  connections: number;
  /** Requests in flight per connection. */
  pipelining: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Seconds autocannon waits for an answer before counting a timeout (an error). */
  timeoutSeconds: number;
}

export const DEFAULT_LOAD_SETTINGS: Readonly<LoadSettings> = {
  connections: 50,
  pipelining: 1,
  warmupSeconds: 2,
  durationSeconds: 8,
  timeoutSeconds: 10,
};

export const LOAD_TOOL = `autocannon ${AUTOCANNON_VERSION}`;

export interface LoadSpec {
  title: string;
  /** Full URL, e.g. http://127.0.0.1:4000/users/me. */
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** A fresh body for every request sent (e.g. one new identity each); replaces `body`. */
  nextBody?: () => string;
  /**
   * Bodies made from earlier 2xx answers (a rotating refresh token: every answer carries the next one): each answer's
   * `next` body is queued and sent once, by whichever connection asks first; `first` when none is queued (a new
   * chain). Replaces `body` and `nextBody`. (autocannon's per-connection context is reset after every request of a
   * one-request list, so the chains cannot live there.)
   */
  chained?: { first: () => string; next: (answer: string) => string | undefined };
  /** Connections, warm-up and measured seconds (warm-up answers are counted apart); defaults DEFAULT_LOAD_SETTINGS. */
  settings?: LoadSettings;
  /** Send exactly this many requests instead of running for a duration (no warm-up). */
  amount?: number;
  /** Keep a few bodies of non-2xx answers to show what went wrong (costs a little client CPU per answer). */
  sampleErrorBodies?: boolean;
  /** Every answer's body must contain this; the others are counted as `mismatches` (non-2xx answers included). */
  expectInBody?: string;
  /** Called when the measured phase starts (after the warm-up): e.g. to read the server's CPU time. */
  onMeasuredStart?: () => void;
}

export interface PhaseCounts {
  seconds: number;
  ok: number;
  non2xx: number;
  /** Socket errors plus timeouts (autocannon counts timeouts as errors too). */
  errors: number;
  timeouts: number;
  /** Answers whose body lacked `expectInBody` (0 when not asked). */
  mismatches: number;
  /** Every status code seen, 2xx included. */
  statusCodes: Record<string, number>;
}

export interface LoadResult extends PhaseCounts {
  title: string;
  /** `expectInBody` of the spec, for messages. */
  expectedInBody: string | undefined;
  /** 2xx answers per measured second: failed requests never count as throughput. */
  okPerSecond: number;
  /** Latency of 2xx answers, milliseconds. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  warmup: PhaseCounts | undefined;
  /** Up to three bodies per non-2xx status (measured run and warm-up), cut to 300 characters. */
  errorSamples: Record<string, string[]>;
}

/** autocannon supports `warmup` programmatically; @types/autocannon does not declare it. */
type Options = autocannon.Options & { warmup?: { duration: number; connections: number } };

export function describeLoadSettings(d: LoadSettings): string {
  return (
    `${LOAD_TOOL} (programmatic, in the bench process), ${d.connections} connections, pipelining ${d.pipelining}, ` +
    `${d.warmupSeconds} s warm-up + ${d.durationSeconds} s measured per scenario, timeout ${d.timeoutSeconds} s`
  );
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const settings = spec.settings ?? DEFAULT_LOAD_SETTINGS;
  const { connections } = settings;
  const warmupSeconds = spec.amount !== undefined ? 0 : settings.warmupSeconds;
  const errorSamples: Record<string, string[]> = {};

  const request: autocannon.Request = {};
  if (spec.nextBody) {
    const nextBody = spec.nextBody;
    // Called once for every request a connection is about to send (and once when the connection is set up).
    request.setupRequest = (req) => ({ ...req, body: nextBody() });
  }
  const chained = spec.chained;
  const queued: string[] = [];
  if (chained) request.setupRequest = (req) => ({ ...req, body: queued.shift() ?? chained.first() });
  if (spec.sampleErrorBodies || chained) {
    request.onResponse = (status, body) => {
      if (status >= 200 && status < 300) {
        const next = chained?.next(body);
        if (next !== undefined) queued.push(next);
        return;
      }
      if (!spec.sampleErrorBodies) return;
      const samples = (errorSamples[status] ??= []);
      if (samples.length < 3) samples.push(body.slice(0, 300));
    };
  }

  const options: Options = {
    title: spec.title,
    url: spec.url,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    body: spec.body,
    connections,
    pipelining: settings.pipelining,
    timeout: settings.timeoutSeconds,
    requests: [request],
    ...(spec.expectInBody !== undefined && { verifyBody: bodyContains(spec.expectInBody) }),
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: settings.durationSeconds }),
    ...(warmupSeconds > 0 && { warmup: { duration: warmupSeconds, connections } }),
  };

  // The returned promise is also autocannon's tracker; with a warm-up it emits 'start' only for the measured run.
  const run = autocannon(options) as Promise<autocannon.Result & { warmup?: autocannon.Result }> & {
    on(event: 'start', listener: () => void): void;
  };
  if (spec.onMeasuredStart) run.on('start', spec.onMeasuredStart);
  const result = await run;
  const measured = counts(result);
  return {
    title: spec.title,
    expectedInBody: spec.expectInBody,
    ...measured,
    okPerSecond: measured.seconds > 0 ? measured.ok / measured.seconds : 0,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    warmup: result.warmup ? counts(result.warmup) : undefined,
    errorSamples,
  };
}

function counts(result: autocannon.Result): PhaseCounts {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  return {
    seconds: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    statusCodes,
  };
}

function bodyContains(expected: string): (body: unknown) => boolean {
  return (body) => typeof body === 'string' && body.includes(expected);
}
