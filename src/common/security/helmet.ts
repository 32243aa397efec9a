import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../../config/app-config.js';

/**
 * Security headers for a JSON API: nothing we answer is meant to be rendered, framed or to load anything, so
 * the CSP is `default-src 'none'; frame-ancestors 'none'` instead of helmet's defaults for HTML sites.
 * HSTS only in production: in development it would pin `localhost` to HTTPS in the developer's browser for a year.
 * A route that serves HTML (API docs) needs its own policy, per route: `config: { helmet: { ... } }`.
 */
export function helmetOptions(config: AppConfig): FastifyHelmetOptions {
  return {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    strictTransportSecurity: config.nodeEnv === 'production' ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  };
}

/** Registered on the Fastify instance: loaded with the other plugins at `app.init()`, so `setupApp` stays synchronous. */
export function registerHelmet(fastify: FastifyInstance, config: AppConfig): void {
  void fastify.register(helmet, helmetOptions(config));
}
