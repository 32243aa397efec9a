import type { PerRequestHooks } from '../common/http/per-request-hooks.js';
import { recordAdmittedLogin } from './login-outcome.js';
import type { MetricsService } from './metrics.service.js';

/** The `route` label of a request no route matched (404s, scanners): one series, whatever the path was. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * `http_request_duration_seconds{method,route,status_code}` for every answered request, from one `onResponse` hook
 * (like the request log line, it sees what never reaches a controller). `route` is the pattern Fastify matched
 * (`/auth/:provider/token`), never the raw URL, so the label values stay as few as the routes.
 * A step of our one `onResponse` hook (PerRequestHooks), which also records a login route's outcome (login-outcome.ts).
 */
export function registerRequestMetrics(hooks: PerRequestHooks, metrics: MetricsService): void {
  hooks.onResponse((req, reply, route) => {
    metrics.requestCompleted(req.method, route.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
    recordAdmittedLogin(metrics, reply);
  });
}
