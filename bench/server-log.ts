/**
 * Error and warning lines a server logged (its log is deleted with the temp dir). Streams the file: with request
 * logging on it holds a line per request. Understands pino JSON lines (`"level":"error"`) and Nest's plain format.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { flags, fmtInt, notes } from './context.js';
import type { ChildServer } from './servers.js';

export async function reportServerLog(label: string, server: ChildServer): Promise<void> {
  const counts = { lines: 0, error: 0, warn: 0 };
  const samples = { error: new Set<string>(), warn: new Set<string>() };
  const lines = createInterface({ input: createReadStream(server.logFile, 'utf8'), crlfDelay: Infinity });
  for await (const raw of lines) {
    counts.lines++;
    const line = raw.replace(/\u001b\[[0-9;]*m/g, '');
    const level =
      /"level":"(fatal|error)"/.test(line) || /\bERROR\b/.test(line)
        ? 'error'
        : /"level":"warn"/.test(line) || /\bWARN\b/.test(line)
          ? 'warn'
          : undefined;
    if (!level || /Generated a development signing key/.test(line)) continue;
    counts[level]++;
    if (samples[level].size < 3) samples[level].add(logMessage(line));
  }
  if (counts.error > 0) flags.push(`${label} server logged ${fmtInt(counts.error)} error lines, e.g.: ${[...samples.error].join(' | ')}`);
  if (counts.warn > 0) notes.push(`${label} server logged ${fmtInt(counts.warn)} warning lines, e.g.: ${[...samples.warn].join(' | ')}`);
  notes.push(`${label} server wrote ${fmtInt(counts.lines)} log lines in all.`);
}

function logMessage(line: string): string {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; context?: unknown; err?: { message?: unknown } };
    return [entry.context, entry.msg, entry.err?.message]
      .filter((x) => typeof x === 'string')
      .join(': ')
      .slice(0, 200);
  } catch {
    return line.replace(/^.*?\b(ERROR|WARN)\b\s*/, '$1 ').slice(0, 200);
  }
}
