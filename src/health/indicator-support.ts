/**
 * Every readiness check gives up after this long and reports the part as down: a probe must answer well within
 * an orchestrator's own probe timeout, and a hung dependency is as unready as a dead one.
 */
export const HEALTH_CHECK_TIMEOUT_MS = 1000;

/** The cause of a failed check for the log line (operators need it), never for the response body. */
export function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
}
