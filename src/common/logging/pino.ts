import { pino, type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { prettyDestination } from './pretty-destination.js';
import { redactPaths, REDACTED } from './redact-paths.js';
import { currentRequestId } from './request-context.js';

/**
 * The process's one pino instance. JSON lines with an ISO time, the level as a word (log pipelines filter on it)
 * and the current request's `reqId` on every line written while a request is handled.
 * `destination` is for tests, which read what was logged.
 */
export function createPino(config: AppConfig['logging'], destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.level,
      timestamp: isoTimeOncePerMillisecond,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths(process.env), censor: REDACTED },
      mixin: () => {
        const reqId = currentRequestId();
        return reqId === undefined ? {} : { reqId };
      },
    },
    destination ?? (config.pretty ? prettyDestination(process.stdout) : (stdout ??= new StdoutLog())),
  );
}

let lastMillisecond = -1;
let lastTime = '';
/**
 * pino's `isoTime` (`,"time":"<ISO 8601>"`), formatted once per millisecond: `toISOString()` was ~1.5 % of a
 * request's CPU, and under load many lines share a millisecond.
 */
export function isoTimeOncePerMillisecond(): string {
  const now = Date.now();
  if (now !== lastMillisecond) {
    lastMillisecond = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

/** Lines are written once this many bytes are buffered, or by the timer below, whichever comes first. */
export const LOG_BUFFER_BYTES = 4096;
/** The longest a line waits in the buffer when traffic is low. */
export const LOG_FLUSH_INTERVAL_MS = 100;
/** pino's number for `fatal`. */
const FATAL = 60;

type SonicBoom = ReturnType<typeof pino.destination>;

/**
 * stdout, buffered and written asynchronously while the app serves requests, synchronously before it ends.
 *
 * A synchronous `write(2)` per line was ~5% of a guarded request (docs/decisions/0006-request-path-performance.md):
 * lines are buffered (sonic-boom, `LOG_BUFFER_BYTES`) and written off the event loop, at the latest
 * `LOG_FLUSH_INTERVAL_MS` after they were logged. Nothing is lost on the way out:
 * - a `fatal` line is written at once, with everything before it (the process is probably about to end);
 * - shutdown (SIGTERM, `exitOnSignals`): GracefulFastifyAdapter, the first step of Nest's shutdown, calls
 *   `writeLogsSynchronously()`: from then on every line is written before `logger.x()` returns, the shutdown's own
 *   lines included;
 * - any other exit (`process.exit()`, an uncaught exception): pino writes the buffer out on `exit`.
 * One per process: every app in it (tests make several) shares it, so there is one buffer to write out.
 */
export class StdoutLog implements DestinationStream {
  /** Set by pino before each `write`: the destination asks for it with `Symbol.for('pino.metadata')`. */
  lastLevel = 0;
  private synchronous = false;
  /** Written to since the timer last ran. */
  private dirty = false;
  /**
   * Lines not yet handed to sonic-boom, and their length. sonic-boom measures the byte length of its last buffered
   * chunk on every `write`, which flattens (copies) that chunk, up to 16 KiB, once per line: ≈ 4 µs and ≈ 8 KiB of
   * garbage a line under load, against ≈ 0.5 µs when it gets LOG_BUFFER_BYTES at a time (ADR 0006, "Login path,
   * fourth pass").
   */
  private pending: string[] = [];
  private pendingLength = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly out: SonicBoom = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES })) {
    Object.defineProperty(this, Symbol.for('pino.metadata'), { value: true });
    this.timer = setInterval(() => this.flush(), LOG_FLUSH_INTERVAL_MS).unref();
    // pino writes sonic-boom's buffer out when the process exits; the lines still held here go first.
    process.once('exit', () => {
      if ((this.out as { destroyed?: boolean }).destroyed) return;
      this.handOver();
      this.out.flushSync();
    });
  }

  write(line: string): void {
    this.pending.push(line);
    this.pendingLength += line.length;
    this.dirty = true;
    if (this.synchronous || this.lastLevel >= FATAL) {
      this.handOver();
      this.out.flushSync();
    } else if (this.pendingLength >= LOG_BUFFER_BYTES) {
      this.handOver();
    }
  }

  /**
   * Writes out whatever is buffered: asynchronously (the timer's job), or `sync`, before the call returns (boot: its
   * lines are out before the port opens).
   */
  flush(sync = false): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.handOver();
    if (sync) this.out.flushSync();
    else this.out.flush();
  }

  writeSynchronously(): void {
    if (this.synchronous) return;
    this.synchronous = true;
    clearInterval(this.timer);
    this.handOver();
    this.out.flushSync();
  }

  /** The held lines to sonic-boom, as one string. */
  private handOver(): void {
    if (this.pending.length === 0) return;
    this.out.write(this.pending.length === 1 ? this.pending[0] : this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }
}

let stdout: StdoutLog | undefined;

/**
 * Writes the buffered lines now, once: main.ts calls it before the port opens and after the startup lines, so an
 * operator (or a supervisor reading stdout) sees the boot's warnings before the first request is answered.
 */
export function writeBufferedLogs(): void {
  stdout?.flush(true);
}

/** Writes the buffered lines now and every later line as it is logged: the process is about to end. */
export function writeLogsSynchronously(): void {
  stdout?.writeSynchronously();
}
