import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import { outcomeOf } from './login-timer.js';
import { MetricsService } from './metrics.service.js';

/**
 * Seconds since the request arrived: Fastify's own clock of the reply (`elapsedTime`, from when it took the
 * request), so nothing has to start a timer and carry it along.
 */
export function loginSeconds(context: ExecutionContext): number {
  return context.switchToHttp().getResponse<{ elapsedTime: number }>().elapsedTime / 1000;
}

/**
 * Records a login that its route's guard let through (ProviderLogin): `success`, or the code the client is
 * answered with. The `:provider` label is a known provider's id: the guard answered 404 for any other, and Nest runs
 * guards before interceptors (which is also why the guard records the logins it refuses itself).
 */
@Injectable()
export class LoginMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const provider = context.switchToHttp().getRequest<{ params: { provider: string } }>().params.provider;
    return next.handle().pipe(
      tap({
        next: () => this.metrics.loginEnded(provider, 'success', loginSeconds(context)),
        error: (error: unknown) => this.metrics.loginEnded(provider, outcomeOf(error), loginSeconds(context)),
      }),
    );
  }
}
