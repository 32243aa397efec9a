import type { INestApplicationContext } from '@nestjs/common';

/**
 * SIGTERM and SIGINT close the app (HTTP drained first, then the database and Redis: GracefulFastifyAdapter) and
 * then exit: 0 after a clean close, 1 when closing failed. Nest's `enableShutdownHooks()` re-raises the signal
 * instead, which ends the process before Node's own exit work, so `node --cpu-prof` (and `--heap-prof`) never wrote
 * a profile. A second signal while closing exits at once (a person pressing Ctrl-C twice).
 */
export function exitOnSignals(app: INestApplicationContext, signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
  let closing = false;
  const onSignal = () => {
    if (closing) process.exit(1);
    closing = true;
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
}
