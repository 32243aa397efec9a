import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IS_PUBLIC } from '../common/decorators/public.decorator.js';
import { AppError } from '../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { NOT_RATE_LIMITED } from './not-rate-limited.decorator.js';
import type { RateLimitedRequest } from './rate-limit-identity.js';

/** Told of every rejected request: MetricsService, bound in RateLimitModule. Optional, so the guard stands alone in tests. */
export const RATE_LIMIT_LISTENER = Symbol('RATE_LIMIT_LISTENER');
export interface RateLimitListener {
  rateLimited(route: string): void;
}

type Request = FastifyRequest & RateLimitedRequest;

/** @nestjs/throttler's guard with our skip rules and our 429: what AuthRateLimitGuard (below) runs on /auth routes. */
@Injectable()
export class AuthThrottler extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(RATE_LIMIT_LISTENER) private readonly listener?: RateLimitListener,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (!this.config.rateLimit.enabled || context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (!isAuthRoute(routeOf(req))) return true;
    if (this.reflector.getAllAndOverride<boolean>(NOT_RATE_LIMITED, [context.getHandler(), context.getClass()])) return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (!isPublic && !req.auth) throw new Error('AuthRateLimitGuard ran before JwtAuthGuard: import RateLimitModule after AuthModule');
    return false;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const http = context.switchToHttp();
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
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
