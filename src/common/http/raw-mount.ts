/**
 * Hands requests of our Fastify instance over, raw, to a Node `(req, res)` app: oidc-provider (a Koa app) for the
 * dev IdP (src/dev-idp/) and for our own authorization server (src/oauth-server/). Its `callback()` takes Node's
 * `req`/`res`, so each request is handed over with `reply.hijack()`, the way its docs mount it in hapi or Nest:
 * `url` without our route's prefix and `originalUrl` with the path the app's URLs must carry, from which
 * oidc-provider derives its mount path for every URL it writes (lib/helpers/oidc_context.js `urlFor`).
 * Bodies stay unread (oidc-provider parses its own, with its own limit), so our 64 KiB JSON-only parsing never
 * sees its form posts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { REQUEST_ID_HEADER } from '../logging/request-context.js';

export type RawCallback = (req: IncomingMessage, res: ServerResponse) => void;

export interface RawRoute {
  methods: HTTPMethods[];
  /** Our route, Fastify syntax: `/oauth/*`, `/.well-known/openid-configuration`. */
  url: string;
  /** The URL the app sees, from ours (path and query): `/oauth/token?x` → `/token?x`. */
  inner: (url: string) => string;
}

/**
 * One request handler: `mountPath` is the path the app's own URLs are under, as the outside sees it (behind a
 * proxy that strips a PUBLIC_URL path, URLs must carry it back).
 */
export function rawHandOver(callback: RawCallback, mountPath: string, inner: (url: string) => string) {
  return (req: FastifyRequest, reply: FastifyReply): void => {
    const raw = req.raw as IncomingMessage & { originalUrl?: string };
    const url = raw.url!;
    const innerUrl = inner(url) || '/';
    reply.hijack();
    reply.raw.setHeader(REQUEST_ID_HEADER, req.id);
    [raw.originalUrl, raw.url] = [`${mountPath}${innerUrl}`, innerUrl];
    // Our request log reads `req.url` when the response finishes: give it back first (the log strips the query).
    reply.raw.prependOnceListener('finish', () => void (raw.url = url));
    callback(raw, reply.raw);
  };
}

/** `inner` for a route mounted under a prefix: the prefix cut off. */
export const underPrefix =
  (prefix: string) =>
  (url: string): string =>
    url.slice(prefix.length);

/**
 * Registers the routes in their own encapsulated scope, whose content-type parsers leave every body unread.
 * `helmet` is the routes' security headers (src/common/security/helmet.ts), e.g. a CSP for the pages the app writes.
 */
export function mountRaw(
  fastify: FastifyInstance,
  callback: RawCallback,
  mountPath: string,
  routes: RawRoute[],
  helmet?: Omit<FastifyHelmetOptions, 'global'>,
): void {
  void fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    for (const route of routes) {
      // `cors: false`: the app answers CORS itself (oidc-provider per client); our API's CORS hook would answer its
      // preflights with CORS_ORIGINS instead, and any header it set on Fastify's reply is lost with the hijack.
      scope.route({
        method: route.methods,
        url: route.url,
        config: { cors: false },
        ...(helmet ? { helmet } : {}),
        handler: rawHandOver(callback, mountPath, route.inner),
      });
    }
  });
}
