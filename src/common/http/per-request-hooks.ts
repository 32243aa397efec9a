import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What a step reads of the matched route: `url` (the pattern, undefined when no route matched) and its `config`. */
export type MatchedRoute = Pick<FastifyRequest['routeOptions'], 'url' | 'config'>;
/** One piece of our per-request work: synchronous, it answers nothing and never calls `done` itself. */
export type RequestStep = (req: FastifyRequest, reply: FastifyReply, route: MatchedRoute) => void;

/**
 * Our cross-cutting work on every request as one `onRequest` and one `onResponse` hook instead of one hook per
 * concern: the request id header, the security headers and `Cache-Control: no-store` before routing goes on; the
 * access line, the duration metric and the refused-preflight warning once the answer is out. Fastify runs each
 * hook through its hook iterator, and each concern read `req.routeOptions`, a getter that builds an eleven-field
 * object (and asks the router about version constraints) on every read; here it is read once per hook
 * (docs/decisions/0006-request-path-performance.md, "Request path, third pass").
 *
 * The steps run in the order they were added. A hook that may answer the request itself (the 405 of
 * method-not-allowed.ts, CORS preflights) stays a hook of its own, after this one.
 */
export class PerRequestHooks {
  private readonly requestSteps: RequestStep[] = [];
  private readonly responseSteps: RequestStep[] = [];
  /** Runs the rest of the request (the later hooks, the handler): inside the request context, once that is set. */
  private proceed: (req: FastifyRequest, done: () => void) => void = (_req, done) => done();

  constructor(fastify: FastifyInstance) {
    const requestSteps = this.requestSteps;
    const responseSteps = this.responseSteps;
    fastify.addHook('onRequest', (req, reply, done) => {
      const route: MatchedRoute = req.routeOptions;
      for (let i = 0; i < requestSteps.length; i++) requestSteps[i](req, reply, route);
      this.proceed(req, done);
    });
    fastify.addHook('onResponse', (req, reply, done) => {
      const route: MatchedRoute = req.routeOptions;
      for (let i = 0; i < responseSteps.length; i++) responseSteps[i](req, reply, route);
      done();
    });
  }

  onRequest(step: RequestStep): void {
    this.requestSteps.push(step);
  }

  onResponse(step: RequestStep): void {
    this.responseSteps.push(step);
  }

  /** The request context: everything after the `onRequest` steps runs inside `run`. One per app. */
  runRestWithin(run: (req: FastifyRequest, done: () => void) => void): void {
    this.proceed = run;
  }
}
