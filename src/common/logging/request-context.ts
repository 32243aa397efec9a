import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The id of the request being handled, for every log line written while handling it: the logger reads it from
 * here (pino `mixin`), so no code has to pass a request or a child logger around.
 */
const storage = new AsyncLocalStorage<{ reqId: string }>();

/** A client's or load balancer's id is kept only if it is a short token: it is echoed in a header and logged. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** Fastify `genReqId`: the caller's `X-Request-Id` when sane, else a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.reqId;
}

export function runWithRequestId<T>(reqId: string, fn: () => T): T {
  return storage.run({ reqId }, fn);
}
