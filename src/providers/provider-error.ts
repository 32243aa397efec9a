import { Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import type { ErrorCode } from '../common/errors/error-codes.js';

const logger = new Logger('IdentityProvider');

/**
 * An error whose detail is for the operator, not the client: the answer carries the stable code and a short
 * generic message, the log carries what the provider said or which setting to check. Anonymous clients must not
 * learn a provider's raw text (it can echo their input or our configuration) nor hints about our configuration.
 * `detail` must hold no token, code or secret; provider text in it goes through `quoted`.
 */
export function providerError(code: ErrorCode, message: string, detail: string, options?: { cause?: unknown }): AppError {
  logger.warn(`${code}: ${detail}`);
  return new AppError(code, message, options);
}

/** A provider's value fit for a log line: JSON-quoted (control characters escaped), at most 100 characters. */
export function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}
