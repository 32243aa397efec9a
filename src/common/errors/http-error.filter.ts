import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { markAnsweredCode } from './answered-code.js';
import { AppError } from './app-error.js';
import type { ErrorBody } from './error-body.js';
import type { ErrorCode } from './error-codes.js';
import { isStoreOutage } from './outage.js';

/**
 * Seconds a client should wait before retrying a 503: about one readiness probe period, long enough for a
 * database failover or a pool to drain, short enough that a sign-in screen does not feel dead.
 */
export const RETRY_AFTER_SECONDS = 5;

/** Nest's own HTTP exceptions (404 route, 413 body) mapped onto our codes. */
const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'invalid_token',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * The one place where errors become HTTP. Every body is `{ statusCode, code, message }`;
 * a 5xx that is not a known provider failure is logged with its cause and answered with nothing internal.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    if (body.statusCode === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    if (body.statusCode >= 500 && body.code === 'internal_error') {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    } else if (body.statusCode >= 500) {
      // The cause by name and code only: its message can quote a provider's body (JSON.parse does), which may hold a token.
      // An outage is the error itself (not wrapped in an AppError): name it, and its driver code.
      const source = exception instanceof AppError ? exception.cause : exception;
      const c = typeof source === 'object' && source !== null ? (source as { name?: string; code?: string }) : undefined;
      const cause = c ? ` (cause: ${c.name ?? 'unknown'}${c.code ? ` ${c.code}` : ''})` : '';
      this.logger.warn(`${body.code}: ${body.message}${cause}`);
    }
    markAnsweredCode(reply, body.code);
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof AppError) {
      const body: ErrorBody = { statusCode: exception.status, code: exception.code, message: exception.message };
      if (exception.details) body.details = exception.details;
      return body;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? [response.message].flat().join('; ')
          : exception.message;
      // A 5xx keeps its status (a 503 stays a 503 for load balancers) but never its message.
      if (status >= 500)
        return status === 503 ? { statusCode: 503, code: 'service_unavailable', message: 'Service unavailable' } : this.internal();
      return { statusCode: status, code: HTTP_STATUS_CODES[status] ?? `http_${status}`, message };
    }
    if (isStoreOutage(exception))
      return { statusCode: 503, code: 'service_unavailable', message: 'Service temporarily unavailable; try again shortly' };
    // Fastify's own errors (bad JSON body, body too large) carry a statusCode.
    if (exception instanceof Error && 'statusCode' in exception && typeof exception.statusCode === 'number') {
      const status = exception.statusCode;
      if (status < 500) {
        const code = HTTP_STATUS_CODES[status] ?? `http_${status}`;
        return { statusCode: status, code, message: status === 400 ? 'Malformed request body' : exception.message };
      }
    }
    return this.internal();
  }

  private internal(): ErrorBody {
    return { statusCode: 500, code: 'internal_error', message: 'Internal server error' };
  }
}
