import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, normalizeIp } from '@nestjs/throttler';
import type { ThrottlerGenerateKeyFunction, ThrottlerModuleOptions, ThrottlerOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IS_PUBLIC } from '../common/decorators/public.decorator.js';
import { AppError } from '../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { CountsEach, LimitHit } from './memory-throttler.storage.js';
import { NOT_RATE_LIMITED } from './not-rate-limited.decorator.js';
import type { RateLimitedRequest } from './rate-limit-identity.js';

/** Told of every rejected request: MetricsService, bound in RateLimitModule. Optional, so the guard stands alone in tests. */
export const RATE_LIMIT_LISTENER = Symbol('RATE_LIMIT_LISTENER');
export interface RateLimitListener {
  rateLimited(route: string): void;
}

type Request = FastifyRequest & RateLimitedRequest;

/**
 * The limits of ThrottlerModule's options (rate-limit.module.ts) counted in its storage, in order, as
 * @nestjs/throttler's ThrottlerGuard counts them (same keys, trackers, skip rules and blocks), answering our 429.
 * Not ThrottlerGuard itself: for every limit of every request it re-read five decorators we never set and awaited
 * each value, ≈ 70 µs of a login's ≈ 900 (docs/decisions/0006, "Login path, fourth pass"). Per-route `@Throttle()`
 * overrides are therefore not read: /auth has one budget per IP and one per identity, whatever the route.
 * AuthRateLimitGuard (below) hands it the /auth requests only.
 */
@Injectable()
export class AuthThrottler {
  private readonly limits: Array<
    ThrottlerOptions & { name: string; ttl: number; limit: number; generateKey: ThrottlerGenerateKeyFunction }
  >;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage & CountsEach,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(RATE_LIMIT_LISTENER) private readonly listener?: RateLimitListener,
  ) {
    if (typeof (storage as Partial<CountsEach>).countEach !== 'function')
      throw new Error('AuthThrottler needs a storage that counts several limits at once (CountsEach)');
    // Each limit's own skipIf, getTracker and generateKey, else the options' common ones, as ThrottlerGuard merges them.
    const [throttlers, common] = Array.isArray(options) ? [options, {}] : [options.throttlers, options];
    this.limits = throttlers.map((t, i) => {
      const generateKey = t.generateKey ?? common.generateKey;
      if (typeof t.ttl !== 'number' || typeof t.limit !== 'number' || !generateKey)
        throw new Error(`AuthThrottler: limit ${t.name ?? i} needs a numeric ttl and limit, and a generateKey`);
      const [skipIf, getTracker] = [t.skipIf ?? common.skipIf, t.getTracker ?? common.getTracker];
      return { ...t, name: t.name ?? 'default', ttl: t.ttl, limit: t.limit, generateKey, skipIf, getTracker };
    });
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.config.rateLimit.enabled || context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (this.reflector.getAllAndOverride<boolean>(NOT_RATE_LIMITED, [context.getHandler(), context.getClass()])) return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (!isPublic && !req.auth) throw new Error('AuthRateLimitGuard ran before JwtAuthGuard: import RateLimitModule after AuthModule');
    return this.count(context, req);
  }

  /**
   * Each limit that applies, counted in order; the first one spent answers 429 and the later ones are not counted.
   * In one storage call: one Redis round trip per request.
   */
  private async count(context: ExecutionContext, req: Request): Promise<boolean> {
    const hits: LimitHit[] = [];
    for (const limit of this.limits) {
      if (limit.skipIf?.(context)) continue;
      const tracker = limit.getTracker ? await limit.getTracker(req, context) : normalizeIp(req.ip);
      const key = limit.generateKey(context, tracker, limit.name);
      hits.push({
        name: limit.name,
        key,
        ttl: limit.ttl,
        limit: limit.limit,
        blockDuration: typeof limit.blockDuration === 'number' ? limit.blockDuration : limit.ttl,
      });
    }
    const records = await this.storage.countEach(hits);
    const refused = records.find((record) => record.isBlocked);
    if (refused) this.refuse(context, refused.timeToBlockExpire);
    return true;
  }

  private refuse(context: ExecutionContext, timeToBlockExpire: number): never {
    const http = context.switchToHttp();
    const retryAfter = Math.max(1, timeToBlockExpire);
    void http.getResponse<FastifyReply>().header('retry-after', String(retryAfter));
    this.listener?.rateLimited(routeOf(http.getRequest<Request>()));
    throw new AppError('rate_limited', `Too many requests; retry in ${retryAfter} s`);
  }
}

/**
 * The throttler on `/auth/*` only, answering `429 rate_limited` with `Retry-After` through HttpErrorFilter
 * (throttler's own exception would say `ThrottlerException: Too Many Requests` and name its header `Retry-After-ip`).
 *
 * A global guard: every /auth route is covered, also those added later. It must run after JwtAuthGuard, so that
 * authenticated routes count against the user: Nest runs global guards in the order their modules are
 * imported, which is why RateLimitModule comes after AuthModule in AppModule. A reordering fails every
 * authenticated /auth request loudly instead of silently dropping the per-user limit.
 *
 * Every request passes here, and most are not /auth requests: those get `true` at once, a boolean and not a
 * promise, so a route outside /auth pays nothing for the limiter (Nest awaits a guard's promise; see ADR 0006).
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(private readonly throttler: AuthThrottler) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() === 'http' && !isAuthRoute(routeOf(context.switchToHttp().getRequest<Request>()))) return true;
    return this.throttler.canActivate(context);
  }
}

/** The route pattern (`/auth/:provider/token`), so a metric label or a check never depends on a path's values. */
function routeOf(req: FastifyRequest): string {
  return req.routeOptions.url ?? req.url.split('?')[0];
}

function isAuthRoute(route: string): boolean {
  return route === '/auth' || route.startsWith('/auth/');
}
