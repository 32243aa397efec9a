import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from './config/app-config.js';
import { HttpErrorFilter } from './common/errors/http-error.filter.js';
import { createValidationPipe } from './common/validation/validation.js';

/** Request bodies above this are refused with 413 before any parsing. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Fastify measured 4.9x Express here for the same routes (docs/decisions/0004-http-adapter-and-jwt.md). */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: config.http.trustProxy });
}

/** Everything main.ts and the e2e tests share, so the tests run the app as production does. */
export function setupApp(app: NestFastifyApplication, config: AppConfig): void {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableCors({
    origin: config.http.corsOrigins,
    credentials: true,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type'],
    maxAge: 600,
  });
  app.enableShutdownHooks();
}
