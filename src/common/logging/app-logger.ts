import type { LoggerService } from '@nestjs/common';
import type { DestinationStream, Level, Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { createPino } from './pino.js';

/**
 * Nest's boot narration, one line per module and per route (sixty and more): debug, not info. The startup line of
 * main.ts says what a person needs (the URLs); `LOG_LEVEL=debug` still shows every mapped route.
 */
const BOOT_NARRATION = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** How Nest's ConsoleLogger recognises a stack passed as the first optional parameter of `error()`. */
const STACK = /^(.)+\n\s+at .+:\d+:\d+/;

/**
 * Nest's `LoggerService` on pino, installed with `app.useLogger()`: every `new Logger(Context)` in src/ and Nest's
 * own messages become JSON lines with `context`. Nest passes the context as the last optional parameter and,
 * for `error()`, a stack before it.
 */
export class AppLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params.at(-1);
    this.write(typeof context === 'string' && BOOT_NARRATION.has(context) ? 'debug' : 'info', message, params);
  }

  readonly error = (message: unknown, ...params: unknown[]): void => this.write('error', message, params);
  readonly warn = (message: unknown, ...params: unknown[]): void => this.write('warn', message, params);
  readonly debug = (message: unknown, ...params: unknown[]): void => this.write('debug', message, params);
  readonly verbose = (message: unknown, ...params: unknown[]): void => this.write('trace', message, params);
  readonly fatal = (message: unknown, ...params: unknown[]): void => this.write('fatal', message, params);

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    const last = rest.at(-1);
    const context = typeof last === 'string' && !STACK.test(last) ? (rest.pop() as string) : undefined;
    const stack = typeof rest[0] === 'string' && STACK.test(rest[0]) ? rest.shift() : undefined;
    const fields: Record<string, unknown> = { context, stack };
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      // Objects are merged as fields, so redaction applies to them by path.
      this.pino[level]({ ...fields, ...message });
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

export function createAppLogger(config: AppConfig, destination?: DestinationStream): AppLogger {
  return new AppLogger(createPino(config.logging, destination));
}
