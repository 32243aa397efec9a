import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

/**
 * A failure with a stable machine-readable code. Its message is shown to clients, so it never holds a token,
 * a secret or internals; put those in `cause`, which is only logged (by name).
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
    this.details = options?.details;
  }

  readonly details: Record<string, unknown> | undefined;
}
