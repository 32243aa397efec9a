/**
 * `GET /demo` and `GET /demo/app.js`: a frontend of this API for trying the redirect and popup sign-ins in a
 * browser. Registered on Fastify directly, like Swagger UI (src/common/openapi/openapi.setup.ts): they are
 * public, serve no API and so are no operations of the OpenAPI document. Off in production unless DEMO_ENABLED.
 */
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/app-config.js';
import { DEMO_CSP_DIRECTIVES, DEMO_PAGE } from './demo.page.js';
import { DEMO_SCRIPT } from './demo.script.js';

/**
 * Script from 'self' only, no inline script, calls to this API only. `same-origin-allow-popups` rather than our
 * `same-origin`: the popup sign-in must keep its `window.opener` to post the login code back.
 */
const PAGE_HELMET = {
  contentSecurityPolicy: { useDefaults: false, directives: DEMO_CSP_DIRECTIVES },
  crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
} as const;

export function registerDemo(fastify: FastifyInstance, config: AppConfig): void {
  if (!config.browser.demo.enabled) return;
  // A plugin, so it loads after helmet's and the per-route `helmet` option is seen by its onRoute hook.
  void fastify.register(async (scope) => {
    // A page that holds tokens is never cached, nor is its script (it changes with the API it talks to).
    scope.get('/demo', { helmet: PAGE_HELMET }, (_req, reply) =>
      reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(DEMO_PAGE),
    );
    scope.get('/demo/app.js', (_req, reply) =>
      reply.header('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(DEMO_SCRIPT),
    );
  });
}
