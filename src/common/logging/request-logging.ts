import type { Logger } from 'pino';
import type { PerRequestHooks } from '../http/per-request-hooks.js';
import { accessLineWriter } from './access-line.js';
import { REQUEST_ID_HEADER, runWithRequestId } from './request-context.js';

/**
 * The request id and the one "request completed" line, as Fastify hooks rather than a Nest interceptor: hooks
 * also see what never reaches a controller (404s, 413 bodies, CORS preflights, errors thrown by guards), and
 * `onResponse` runs exactly once per answered request.
 *
 * The id itself is Fastify's `req.id`, made from `X-Request-Id` by `genReqId` (see `createHttpAdapter`).
 * `onRequest` runs the rest of the request inside the AsyncLocalStorage context; Fastify carries that context
 * across body parsing itself (an AsyncResource per request in its content-type parser), which
 * test/e2e/logging.e2e-spec.ts checks with a body sent in several packets.
 *
 * The line holds the method, the path without its query string (which may hold a token), the route pattern,
 * the status and the duration: never headers, never the body.
 * Both are steps of our one `onRequest` / `onResponse` hook (PerRequestHooks).
 */
export function registerRequestLogging(hooks: PerRequestHooks, logger: Logger): void {
  const writeAccessLine = accessLineWriter(logger);
  hooks.onRequest((req, reply) => {
    void reply.header(REQUEST_ID_HEADER, req.id);
  });
  hooks.runRestWithin((req, done) => runWithRequestId(req.id, done));

  hooks.onResponse((req, reply, route) => {
    const line = {
      reqId: req.id,
      method: req.method,
      url: pathOf(req.url),
      route: route.url,
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (reply.statusCode >= 500) logger.error(line, 'request completed');
    else writeAccessLine(line);
  });
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
