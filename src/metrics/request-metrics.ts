import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service.js';

/** The `route` label of a request no route matched (404s, scanners): one series, whatever the path was. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * `http_request_duration_seconds{method,route,status_code}` for every answered request, from one `onResponse` hook
 * (like the request log line, it sees what never reaches a controller). `route` is the pattern Fastify matched
 * (`/auth/:provider/token`), never the raw URL, so the label values stay as few as the routes.
 */
export function registerRequestMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    metrics.requestCompleted(req.method, req.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
