import { pino, type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { prettyDestination } from './pretty-destination.js';
import { REDACT_PATHS, REDACTED } from './redact-paths.js';
import { currentRequestId } from './request-context.js';

/**
 * The process's one pino instance. JSON lines with an ISO time, the level as a word (log pipelines filter on it)
 * and the current request's `reqId` on every line written while a request is handled.
 *
 * Writes synchronously to stdout: Nest's shutdown hook re-raises SIGTERM once the app has closed, which ends the
 * process at once, and an asynchronous buffer would lose the last lines, those about the shutdown.
 * `destination` is for tests, which read what was logged.
 */
export function createPino(config: AppConfig['logging'], destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      mixin: () => {
        const reqId = currentRequestId();
        return reqId === undefined ? {} : { reqId };
      },
    },
    destination ?? (config.pretty ? prettyDestination(process.stdout) : pino.destination({ dest: 1, sync: true })),
  );
}
