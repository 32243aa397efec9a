import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { registerCallbackFormParser } from './auth/browser/callback-form-parser.js';
import { HttpErrorFilter } from './common/errors/http-error.filter.js';
import { registerCors } from './common/http/cors.js';
import { refuseTextBodies } from './common/http/json-only.js';
import { registerMethodNotAllowed } from './common/http/method-not-allowed.js';
import { registerNoStore } from './common/http/no-store.js';
import { PerRequestHooks } from './common/http/per-request-hooks.js';
import { createAppLogger, type AppLogger } from './common/logging/app-logger.js';
import { requestIdFrom, REQUEST_ID_HEADER } from './common/logging/request-context.js';
import { registerRequestLogging } from './common/logging/request-logging.js';
import { setupOpenApi } from './common/openapi/openapi.setup.js';
import { registerHelmet } from './common/security/helmet.js';
import { GracefulFastifyAdapter } from './common/shutdown/graceful-fastify.adapter.js';
import { createValidationPipe } from './common/validation/validation.js';
import type { AppConfig } from './config/app-config.js';
import { registerDemo } from './demo/demo.routes.js';
import { registerDevIdp } from './dev-idp/dev-idp.mount.js';
import { MetricsService } from './metrics/metrics.service.js';
import { registerRequestMetrics } from './metrics/request-metrics.js';
import { registerOAuthServer } from './oauth-server/oauth-server.mount.js';

/** Request bodies above this are refused with 413 before any parsing. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Fastify measured 4.9x Express here for the same routes (docs/decisions/0004-http-adapter-and-jwt.md).
 * Its own logger stays off (Nest's `Logger` goes to pino through `AppLogger`); `req.id` is the request id we log and echo.
 */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new GracefulFastifyAdapter(
    {
      bodyLimit: BODY_LIMIT_BYTES,
      trustProxy: config.http.trustProxy,
      genReqId: (req) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    },
    config.http.shutdownTimeoutMs,
  );
}

/** Everything main.ts and the e2e tests share, so the tests run the app as production does. */
export function setupApp(app: NestFastifyApplication, config: AppConfig, logger: AppLogger = createAppLogger(config)): void {
  app.useLogger(logger);
  const fastify = app.getHttpAdapter().getInstance();
  // One onRequest and one onResponse hook for all of our per-request work; their steps run in this order.
  const hooks = new PerRequestHooks(fastify);
  registerRequestLogging(hooks, logger.pino);
  registerRequestMetrics(hooks, app.get(MetricsService));
  registerHelmet(fastify, hooks, config);
  registerNoStore(hooks);
  registerMethodNotAllowed(fastify);
  registerDevIdp(fastify, config, logger);
  registerOAuthServer(fastify, app, config);
  registerDemo(fastify, config);
  refuseTextBodies(fastify);
  registerCallbackFormParser(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  registerCors(app, hooks, config, logger.pino);
  if (config.openapi.enabled) setupOpenApi(app);
}
