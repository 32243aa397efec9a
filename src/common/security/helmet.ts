import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
// Types only: the route option `helmet` and the option shapes, as @fastify/helmet declares them for Fastify.
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { AppConfig } from '../../config/app-config.js';
import type { PerRequestHooks } from '../http/per-request-hooks.js';

/** helmet's options without @fastify/helmet's own two. */
type HelmetConfiguration = Omit<FastifyHelmetOptions, 'global' | 'enableCSPNonces'>;
type RouteHelmet = HelmetConfiguration | false;

/** What helmet's middleware does to a response, recorded once: headers to set, headers to remove. */
export interface SecurityHeaders {
  readonly set: ReadonlyArray<readonly [name: string, value: string]>;
  readonly remove: readonly string[];
}

type HeaderSink = Pick<ServerResponse, 'setHeader' | 'removeHeader'>;
type HelmetMiddleware = (req: object, res: HeaderSink, next: (error?: unknown) => void) => void;

/**
 * The `helmet` package @fastify/helmet itself uses (our dependency is @fastify/helmet), so the header values are
 * exactly helmet's. It is only run at boot and once per route configuration, never per request.
 */
const helmet = createRequire(createRequire(import.meta.url).resolve('@fastify/helmet'))('helmet') as (
  options: HelmetConfiguration,
) => HelmetMiddleware;

/**
 * Security headers for a JSON API: nothing we answer is meant to be rendered, framed or to load anything, so
 * the CSP is `default-src 'none'; frame-ancestors 'none'` instead of helmet's defaults for HTML sites.
 * HSTS only in production: in development it would pin `localhost` to HTTPS in the developer's browser for a year.
 * A route that serves HTML (API docs, pages) needs its own policy, per route: the route option `helmet: { ... }`
 * (or `false` for none), or `config: { helmet: { ... } }`; it is merged over these, as @fastify/helmet did.
 */
export function helmetOptions(config: AppConfig): HelmetConfiguration {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    strictTransportSecurity: config.nodeEnv === 'production' ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  };
}

/** A CSP source that allows exactly this inline `<style>` (or script) text: `'sha256-…'`, for pages we serve. */
export function cspHashSource(inline: string): string {
  return `'sha256-${createHash('sha256').update(inline).digest('base64')}'`;
}

/**
 * Runs helmet's middleware once against a recording response and returns what it did. Helmet's headers depend on
 * its options only, except CSP directives given as functions (per-request values such as nonces): those are
 * refused, since the headers are computed once.
 */
export function computeSecurityHeaders(options: HelmetConfiguration): SecurityHeaders {
  const directives = typeof options.contentSecurityPolicy === 'object' ? (options.contentSecurityPolicy.directives ?? {}) : {};
  for (const [name, value] of Object.entries(directives)) {
    if (typeof value === 'function' || (Array.isArray(value) && value.some((v) => typeof v === 'function'))) {
      throw new Error(
        `CSP directive ${name} is a function: per-request security headers are not supported (src/common/security/helmet.ts)`,
      );
    }
  }
  const set: Array<[string, string]> = [];
  const remove: string[] = [];
  const recorder = {
    setHeader(name: string, value: number | string | readonly string[]) {
      set.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
      return this;
    },
    removeHeader(name: string) {
      remove.push(name);
    },
  } as unknown as HeaderSink;
  let finished = false;
  helmet(options)({}, recorder, (error) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    finished = true;
  });
  if (!finished) throw new Error('helmet did not finish synchronously');
  return { set, remove };
}

/**
 * The headers helmet sets, computed once (for the API, and once per route with its own `helmet` option) and set
 * in one `onRequest` hook. @fastify/helmet ran helmet's option parsing and fourteen middlewares on every request,
 * which cost ~7% of a guarded request (docs/decisions/0006-request-path-performance.md).
 *
 * Set on the raw response, as helmet does, so they also go out on answers that bypass Fastify's reply
 * (`reply.hijack()`) and on errors answered before any controller. Our `onRequest` hook (PerRequestHooks) runs
 * before routing's 404 and before body parsing, so every answer carries them.
 */
export function registerHelmet(fastify: FastifyInstance, hooks: PerRequestHooks, config: AppConfig): void {
  const global = helmetOptions(config);
  const globalHeaders = computeSecurityHeaders(global);
  const skip: SecurityHeaders = { set: [], remove: [] };
  // Per route configuration object (one per route), computed on the route's first request: by then every
  // onRoute hook (ours and, e.g., the API docs') has had its say.
  const perRoute = new WeakMap<object, SecurityHeaders>();
  const headersOf = (routeConfig: { helmet?: RouteHelmet } | undefined): SecurityHeaders => {
    const own = routeConfig?.helmet;
    if (own === undefined) return globalHeaders;
    let headers = perRoute.get(routeConfig!);
    if (!headers) {
      headers = own === false ? skip : computeSecurityHeaders({ ...global, ...own });
      perRoute.set(routeConfig!, headers);
    }
    return headers;
  };

  // As @fastify/helmet: the route option `helmet` goes to the route's config.
  fastify.addHook('onRoute', (route: RouteOptions & { helmet?: RouteHelmet }) => {
    if (route.helmet === undefined) return;
    if (route.helmet !== false && typeof route.helmet !== 'object') throw new Error('Unknown value for route helmet configuration');
    if (route.helmet && 'enableCSPNonces' in route.helmet) throw new Error('CSP nonces are not supported (src/common/security/helmet.ts)');
    route.config = Object.assign(route.config ?? {}, { helmet: route.helmet });
  });

  hooks.onRequest((_req, reply, route) => {
    const { set, remove } = headersOf(route.config as { helmet?: RouteHelmet } | undefined);
    const res = reply.raw;
    for (let i = 0; i < set.length; i++) res.setHeader(set[i][0], set[i][1]);
    for (let i = 0; i < remove.length; i++) res.removeHeader(remove[i]);
  });
}
