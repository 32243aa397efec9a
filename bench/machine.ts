/**
 * How much CPU *other* processes took while a scenario ran. The bench uses both cores (load generator + server),
 * so a test suite or build running next to it lowers every number; this makes that visible instead of silent.
 * Linux only: machine-wide busy time from /proc/stat minus the bench's own processes' time from /proc/<pid>/stat.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuSnapshot {
  at: number;
  /** Jiffies (USER_HZ) the whole machine spent busy (not idle, not iowait), including steal. */
  machineBusy: number;
  steal: number;
  /** Jiffies used by the watched processes (user + system). */
  own: number;
}

export interface CpuInterference {
  /** CPUs' worth of time other processes used on average (0.5 = half a core). */
  otherCpus: number;
  /** CPUs' worth of time the hypervisor took (steal). */
  stealCpus: number;
}

/** Clock ticks per second of /proc's CPU times (sysconf(_SC_CLK_TCK), 100 on Linux). */
export const USER_HZ = 100;

/**
 * `pids`: the bench's own processes. `commands`: process names that belong to the system under test too
 * (`postgres` when the database runs on this machine: its backends work for our server).
 */
export function cpuSnapshot(pids: number[], commands: string[] = []): CpuSnapshot {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  let own = 0;
  for (const pid of new Set([...pids, ...pidsOf(commands)])) own += processJiffies(pid);
  return { at: Date.now(), machineBusy: user + nice + system + irq + softirq + steal, steal, own };
}

export function interference(before: CpuSnapshot, after: CpuSnapshot): CpuInterference {
  const seconds = (after.at - before.at) / 1000;
  if (seconds <= 0) return { otherCpus: 0, stealCpus: 0 };
  const other = after.machineBusy - before.machineBusy - (after.own - before.own);
  return {
    otherCpus: Math.max(0, other / USER_HZ / seconds),
    stealCpus: Math.max(0, (after.steal - before.steal) / USER_HZ / seconds),
  };
}

/** Processes whose name (/proc/<pid>/comm) is one of `commands`. */
function pidsOf(commands: string[]): number[] {
  if (commands.length === 0) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (commands.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** utime + stime of a process, every thread included, in USER_HZ ticks (0 if it is gone). */
export function processJiffies(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]); // fields 14 and 15 of proc(5)
  } catch {
    return 0;
  }
}
