import { applyDecorators } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import { ApiExtension } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { PerRequestHooks } from './per-request-hooks.js';

/** The route option (Fastify `config`) that marks an answer as never to be stored. */
export const NO_STORE_ROUTE_OPTION = 'noStore';
/** The OpenAPI operation extension `documentNoStore` turns into documented response headers. */
export const NO_STORE_EXTENSION = 'x-no-store';

/**
 * Every answer of this controller (or route) gets `Cache-Control: no-store` and `Pragma: no-cache`, errors
 * included: the answers carry our tokens, login codes, or the pending/link tokens of a 409/422 (RFC 6749 §5.1).
 *
 * It is a Fastify route option, set in our `onRequest` hook (`registerNoStore`, PerRequestHooks) before any guard, pipe or parser
 * runs, rather than an interceptor: an interceptor would miss the answers of errors thrown before it.
 * A class decorator: it is merged into each handler's route config (Nest reads that per handler), keeping any
 * `@RouteConfig` the handler already has (method decorators run before class ones).
 */
export function NoStore(): ClassDecorator {
  const markHandlers: ClassDecorator = (target) => {
    const prototype = target.prototype as object;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
      if (name === 'constructor' || typeof handler !== 'function' || !Reflect.hasMetadata(METHOD_METADATA, handler)) continue;
      const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as Record<string, unknown>;
      Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, [NO_STORE_ROUTE_OPTION]: true }, handler);
    }
  };
  return applyDecorators(markHandlers, ApiExtension(NO_STORE_EXTENSION, true));
}

/** The hook behind `@NoStore()`. Must run before the routes are registered (in `setupApp`, before `app.init()`). */
export function registerNoStore(hooks: PerRequestHooks): void {
  hooks.onRequest((_req, reply, route) => {
    if ((route.config as unknown as Record<string, unknown> | undefined)?.[NO_STORE_ROUTE_OPTION] === true) {
      void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    }
  });
}

const NO_STORE_HEADERS = {
  'Cache-Control': {
    description: 'Always `no-store`: the answer holds tokens or codes (RFC 6749 §5.1)',
    schema: { type: 'string', enum: ['no-store'] },
  },
  Pragma: { description: 'Always `no-cache`, for HTTP/1.0 caches', schema: { type: 'string', enum: ['no-cache'] } },
};

/** Writes the headers `@NoStore()` promises onto every response of the operations it marks. */
export function documentNoStore(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Array<{
      [NO_STORE_EXTENSION]?: unknown;
      responses?: Record<string, { headers?: object }>;
    }>) {
      if (typeof operation !== 'object' || operation === null || operation[NO_STORE_EXTENSION] !== true) continue;
      for (const response of Object.values(operation.responses ?? {})) response.headers = { ...response.headers, ...NO_STORE_HEADERS };
    }
  }
}
