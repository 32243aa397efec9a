import type { FastifyInstance, HTTPMethods } from 'fastify';
import { ERROR_STATUS } from '../errors/error-codes.js';

/** The methods a resource of ours could answer; Fastify adds HEAD to every GET route itself. */
const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * A request that matches no route, on a path that does exist for other methods, answers `405 method_not_allowed`
 * with `Allow` listing those methods (RFC 9110 §15.5.6), instead of a 404 that tells a client its URL is wrong
 * when its method is. The methods come from Fastify's router at request time, so every route counts, also those
 * mounted outside Nest or added later. The catch-all `OPTIONS *` route of @fastify/cors (CORS preflights) matches
 * every path and says nothing about this one: it is left out. Only requests on their way to the 404 handler get here.
 */
export function registerMethodNotAllowed(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (req, reply, done) => {
    if (!req.is404) return done();
    const path = req.url.split('?')[0];
    const allowed = METHODS.filter((method) => {
      const route = fastify.findRoute({ method, url: path });
      return route !== null && !isRootCatchAll(route.params, path);
    });
    if (allowed.length === 0) return done();
    void reply
      .code(ERROR_STATUS.method_not_allowed)
      .header('allow', allowed.join(', '))
      .send({
        statusCode: ERROR_STATUS.method_not_allowed,
        code: 'method_not_allowed',
        message: `${req.method} is not allowed here; use ${allowed.join(', ')}`,
      });
  });
}

/** A `*` route at the root captures the whole path as its `*` parameter. */
function isRootCatchAll(params: Record<string, string | undefined>, path: string): boolean {
  const rest = params['*'];
  if (rest === undefined) return false;
  const decoded = decodeURIComponentSafe(path);
  return rest === decoded || `/${rest}` === decoded;
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
