import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

/** A failure with a stable machine-readable code. The message is shown to clients for 4xx only. */
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
