/**
 * Rate limits at our authorization server (ADR 0039): `/oauth/*` is not Nest's, so AuthRateLimitGuard never sees
 * it. The endpoints that take secrets or codes (token, introspection, revocation, registration, pushed
 * authorization requests) and the interaction form posts count per client IP (RATE_LIMIT_OAUTH_PER_IP); the
 * oidc-provider ones also per client (RATE_LIMIT_OAUTH_PER_CLIENT). The counters are the ones /auth/* uses (its
 * ThrottlerStorage: Redis when configured, else memory), under keys of their own, in the same window.
 *
 * A client's counter holds its *successful* requests only (a 2xx answer), counted once the answer is out; a request
 * is refused while the counter is at the limit. A client_id is public, and a request naming it proves nothing until
 * oidc-provider has authenticated the client (or, for a public client, accepted its code or refresh token): counting
 * every request naming a client would let anyone spend that client's budget and lock it out. Failed requests are
 * bounded per IP instead.
 */
import type { IncomingMessage } from 'node:http';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { labelledHash } from '../../common/crypto/random.js';
import type { RawCallback } from '../../common/http/raw-mount.js';
import type { AppConfig } from '../../config/app-config.js';
import type { RateLimitListener } from '../../rate-limit/auth-rate-limit.guard.js';
import type { ReadsCounters } from '../../rate-limit/memory-throttler.storage.js';
import { errorPage, sendOAuthError } from '../pages.js';
import { clientIdOf, replayWithBody } from './client-of-request.js';

/** oidc-provider's routes (ours: oauth-provider.service.ts `routes`) that take a secret, a code or a token. */
const PROVIDER_ROUTES = /^\/(token|introspect|revoke|register(\/[^/?]*)?|request)$/;
/** Our interaction pages' form posts: the sign-in's outcome, consent, abort. */
const INTERACTION_POST = /^\/interaction\/[^/]+(\/[^/]+)*$/;
/** The route a limit is reported for: a registered client's own URL under one name. */
const routeOf = (inner: string): string => inner.replace(/^\/register\/.*/, '/register/:clientId');
/** Where a request's IP travels from our Fastify hook to the raw hand-over. */
const CLIENT_IP = Symbol('oauth rate limit ip');

type Counted = IncomingMessage & { [CLIENT_IP]?: string };

export class OAuthRateLimiter {
  constructor(
    private readonly config: AppConfig,
    private readonly storage: ThrottlerStorage & ReadsCounters,
    private readonly listener?: RateLimitListener,
  ) {}

  /** Seconds to wait when over a limit, else `undefined`; one hit counted. */
  async hit(kind: 'ip' | 'client', who: string): Promise<number | undefined> {
    const { ttl, limit, key } = this.counter(kind, who);
    const record = await this.storage.increment(key, ttl, limit, ttl, `oauth-${kind}`);
    return record.isBlocked ? Math.max(1, record.timeToBlockExpire) : undefined;
  }

  /** Seconds to wait when the client's successful requests have reached the limit, else `undefined`; nothing counted. */
  async clientWait(clientId: string): Promise<number | undefined> {
    const { limit, key } = this.counter('client', clientId);
    const record = await this.storage.peek(key, limit);
    return record.totalHits >= limit ? record.timeToExpire : undefined;
  }

  private countSuccess(status: number, clientId: string): void {
    if (status >= 200 && status < 300) this.hit('client', clientId).then(ignore, ignore);
  }

  private counter(kind: 'ip' | 'client', who: string): { ttl: number; limit: number; key: string } {
    const { windowSeconds, oauthPerIp, oauthPerClient } = this.config.rateLimit;
    // Client ids are not secrets, but keys stay a fixed size whatever a request names.
    const key = `oauth-${kind}:${kind === 'ip' ? who : labelledHash('rate-limit:oauth-client', who)}`;
    return { ttl: windowSeconds * 1000, limit: kind === 'ip' ? oauthPerIp : oauthPerClient, key };
  }

  /**
   * Per IP, as a hook of the `/oauth` scope (before any body is read): `path` is the mount prefix. oidc-provider's
   * routes get an OAuth error body, the interaction pages an HTML page.
   */
  register(scope: FastifyInstance, path: string): void {
    if (!this.config.rateLimit.enabled) return;
    scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const inner = req.url.split('?')[0].slice(path.length);
      const provider = PROVIDER_ROUTES.test(inner);
      if (!provider && !(req.method === 'POST' && INTERACTION_POST.test(inner))) return;
      (req.raw as Counted)[CLIENT_IP] = req.ip;
      const wait = await this.hit('ip', req.ip);
      if (wait === undefined) return;
      this.listener?.rateLimited(`${path}${provider ? routeOf(inner) : '/interaction/:uid'}`);
      void reply.code(429).header('retry-after', String(wait)).header('cache-control', 'no-store');
      if (provider) return reply.send(oauthError(wait));
      return reply.type('text/html; charset=utf-8').send(errorPage('rate_limited', `Too many requests; retry in ${wait} s`));
    });
  }

  /**
   * Per client, around oidc-provider's callback: the client is named in the Basic header, the query or the form body.
   * Refused while the client is at its limit; a 2xx answer counts one hit once it is sent.
   */
  wrap(callback: RawCallback, path: string): RawCallback {
    if (!this.config.rateLimit.enabled) return callback;
    return (req, res) => {
      const inner = req.url!.split('?')[0];
      if (!PROVIDER_ROUTES.test(inner) || (req as Counted)[CLIENT_IP] === undefined) return callback(req, res);
      void (async () => {
        const { clientId, body } = await clientIdOf(req);
        const wait = clientId === undefined ? undefined : await this.clientWait(clientId);
        if (wait === undefined) {
          if (clientId !== undefined) res.once('finish', () => this.countSuccess(res.statusCode, clientId));
          return callback(body === undefined ? req : replayWithBody(req, body), res);
        }
        this.listener?.rateLimited(`${path}${routeOf(inner)}`);
        sendOAuthError(res, 429, oauthError(wait), { 'retry-after': String(wait) });
      })().catch((error: unknown) => {
        // The shared store away (503 from RedisThrottlerStorage), or a body that could not be read.
        if (res.headersSent) return;
        if ((error as { status?: number }).status === 503)
          sendOAuthError(res, 503, { error: 'temporarily_unavailable', error_description: 'try again shortly' });
        else sendOAuthError(res, 400, { error: 'invalid_request', error_description: 'the request body could not be read' });
      });
    };
  }
}

/** Counting after the answer: a store that fails now fails the next request's check, which answers 503 then. */
function ignore(): void {}

/**
 * RFC 6585 429 with Retry-After; the body in RFC 6749 §5.2's shape. No registered OAuth error code says "too many
 * requests" (`slow_down` is the device flow's polling signal), so the code is ours, as its name at /auth/*.
 */
function oauthError(wait: number): { error: string; error_description: string } {
  return { error: 'rate_limited', error_description: `Too many requests; retry in ${wait} s` };
}
