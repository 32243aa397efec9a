import type { DestinationStream } from 'pino';

/** Fields shown in the line's head; every other field follows as `key=value`. */
const HEAD = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'context', 'reqId']);

/**
 * `LOG_PRETTY=true`: one readable line per entry for a developer's terminal, without pino-pretty (a transport
 * worker and a dependency for a convenience). It formats the JSON pino has already redacted, so it shows nothing
 * the JSON would not.
 */
export function prettyDestination(out: NodeJS.WritableStream): DestinationStream {
  return {
    write(line: string): void {
      out.write(`${formatLine(line)}\n`);
    },
  };
}

export function formatLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = String(entry.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const context = entry.context ? ` [${String(entry.context)}]` : '';
  const reqId = entry.reqId ? ` (${String(entry.reqId)})` : '';
  const rest = Object.entries(entry)
    .filter(([key]) => !HEAD.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [`${time} ${level}${context}${reqId} ${String(entry.msg ?? '')}`, ...rest].join(' ').trimEnd();
}
