import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import type { MatchedRoute, PerRequestHooks } from './per-request-hooks.js';

/** How many refused origins a process remembers, so that it warns once for each: memory stays bounded under a spray of forged origins. */
export const REMEMBERED_REFUSED_ORIGINS = 1000;

/**
 * CORS for the API: only the origins of `CORS_ORIGINS`, with credentials. A refused preflight is invisible on the
 * server (the answer simply lacks `Access-Control-Allow-Origin`, and the browser blocks the call), so the first
 * preflight from each refused origin is logged as a warning naming the variable to set. Preflights only: a
 * same-origin page never sends one, so only a cross-origin frontend is reported. Routes that answer CORS
 * themselves (`cors: false`, see raw-mount.ts) are left out. Past REMEMBERED_REFUSED_ORIGINS origins, one more
 * warning says so and later ones are not logged: one log line per forged origin would be a log flood on demand.
 */
export function registerCors(app: NestFastifyApplication, hooks: PerRequestHooks, config: AppConfig, logger: Logger): void {
  const allowed = new Set(config.http.corsOrigins);
  const warned = new Set<string>();
  const options = corsOptions(config.http.corsOrigins);
  // Static options: @fastify/cors normalizes them once. A delegator (which the warning used to live in) made it
  // rebuild them on every request, and Nest's hook answers the preflight before any hook of ours can run, so
  // the warning is given in `onResponse` (a step of our one hook), which every answer passes once, the preflight's included.
  app.enableCors(options);
  hooks.onResponse((req, _reply, route) => {
    const origin = refusedPreflightOrigin(req, route, allowed);
    if (origin !== undefined && !warned.has(origin) && warned.size <= REMEMBERED_REFUSED_ORIGINS) {
      warned.add(origin);
      if (warned.size > REMEMBERED_REFUSED_ORIGINS) {
        logger.warn(`More than ${REMEMBERED_REFUSED_ORIGINS} origins refused by CORS: further ones are not logged until restart`);
      } else {
        logger.warn(
          { origin },
          `CORS preflight from ${JSON.stringify(origin)} refused: it is not in CORS_ORIGINS; add it there if this frontend is yours`,
        );
      }
    }
  });
}

/** The API's CORS options for `enableCors` (also the bench's floor, bench/floor-server.ts). */
export function corsOptions(origins: readonly string[]) {
  return {
    origin: [...origins],
    credentials: true,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type'],
    maxAge: 600,
  };
}

function refusedPreflightOrigin(req: FastifyRequest, route: MatchedRoute, allowed: ReadonlySet<string>): string | undefined {
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return undefined;
  const origin = req.headers.origin;
  if (origin === undefined || allowed.has(origin) || (route.config as { cors?: unknown } | undefined)?.cors === false) return undefined;
  // Bounded, so a forged header cannot make a huge log line (origins are short).
  return origin.slice(0, 200);
}
