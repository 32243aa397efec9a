/**
 * Server CPU per request: utime + stime of the server process(es) from /proc/<pid>/stat (every thread: the event
 * loop, libuv's pool, GC helpers) read when the measured phase starts and when it ends, divided by the 2xx answers
 * of that phase. Unlike req/s this hardly depends on what else the machine runs, so it is what the login targets
 * and the one-versus-two-instance comparison judge. Resolution: one tick (10 ms) per process and reading.
 */
import { processJiffies, USER_HZ } from './machine.js';

/** CPU time the processes have used so far, in milliseconds. */
export function cpuTimeMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + processJiffies(pid), 0) * (1000 / USER_HZ);
}

/** Starts counting the processes' CPU time; `stop()` gives the milliseconds used since `start()`. */
export function cpuMeter(pids: number[]): { start: () => void; stop: () => number } {
  let startedAt: number | undefined;
  return {
    start: () => {
      startedAt = cpuTimeMs(pids);
    },
    stop: () => (startedAt === undefined ? Number.NaN : cpuTimeMs(pids) - startedAt),
  };
}

export function fmtCpuMs(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? '-' : ms.toFixed(ms < 10 ? 3 : 1);
}
