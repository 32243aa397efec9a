import { Injectable, SetMetadata, applyDecorators, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError } from '../../common/errors/app-error.js';
import type { ErrorCode } from '../../common/errors/error-codes.js';
import { markLoginAdmitted } from '../../metrics/login-outcome.js';
import { outcomeOf } from '../../metrics/login-timer.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { IdentityProviderRegistry } from '../../providers/identity-provider.registry.js';
import { ProviderStrategies } from '../strategies/provider-strategies.js';
import type { ProviderGrantKind, ProviderGrantOptions } from '../strategies/provider-token.strategy.js';

const GRANT_KEY = 'provider-grant';
const LOGIN_KEY = 'provider-login';

/**
 * What a route that runs ProviderTokenGuard can answer, for a provider token or (`PROVIDER_CODE_ERRORS`) a code,
 * besides `validation_failed`, which the routes name first (the OpenAPI descriptions list codes in the order given).
 */
export const PROVIDER_TOKEN_ERRORS: ErrorCode[] = [
  'invalid_nonce',
  'unsupported_grant',
  'unknown_provider',
  'invalid_provider_token',
  'provider_token_audience_mismatch',
  'payload_too_large',
  'provider_unavailable',
  'service_unavailable',
  'provider_timeout',
];
export const PROVIDER_CODE_ERRORS: ErrorCode[] = [
  'redirect_uri_not_allowed',
  'code_verifier_required',
  'invalid_authorization_code',
  ...PROVIDER_TOKEN_ERRORS,
];

/** The route's body holds an authorization code instead of a provider token. */
export const ProviderCodeGrant = () => SetMetadata(GRANT_KEY, 'code' satisfies ProviderGrantKind);

/**
 * A login route: the provider's strategy (ProviderTokenGuard), and `nsa_logins_total` / `nsa_login_duration_seconds`
 * recorded once per login — when its answer is out if the guard let it through (login-outcome.ts), by the guard when
 * it refused.
 */
export const ProviderLogin = () => applyDecorators(SetMetadata(LOGIN_KEY, true), UseGuards(ProviderTokenGuard));

/**
 * Runs the passport strategy of the provider named in the route (`:provider`), for a token or
 * (`@ProviderCodeGrant()`) a code, through that provider's @nestjs/passport `AuthGuard`; unknown providers are 404.
 * A login this guard refuses is counted here; one it lets through is marked, and counted when its answer is out.
 */
@Injectable()
export class ProviderTokenGuard implements CanActivate {
  /** provider id → the AuthGuard of its strategy (AuthGuard takes one strategy name per class; ours vary by route). */
  private readonly guards = new Map<string, ProviderAuthGuard>();

  constructor(
    private readonly registry: IdentityProviderRegistry,
    private readonly metrics: MetricsService,
    private readonly reflector: Reflector,
    strategies: ProviderStrategies,
  ) {
    for (const provider of registry.list()) this.guards.set(provider.id, strategyGuard(strategies.nameOf(provider.id), reflector));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const provider = this.registry.get(http.getRequest<{ params: { provider: string } }>().params.provider);
    const reply = http.getResponse<{ elapsedTime: number }>();
    const isLogin = this.reflector.get<boolean | undefined>(LOGIN_KEY, context.getHandler()) === true;
    try {
      const admitted = await this.guards.get(provider.id)!.canActivate(context);
      if (admitted && isLogin) markLoginAdmitted(reply, provider.id);
      return admitted;
    } catch (error) {
      // Timed from the request's arrival: Fastify's own clock of the reply.
      if (isLogin) this.metrics.loginEnded(provider.id, outcomeOf(error), reply.elapsedTime / 1000);
      throw error;
    }
  }
}

/** AuthGuard's `canActivate` is async (typed as CanActivate's, which also allows a boolean or an Observable). */
interface ProviderAuthGuard {
  canActivate(context: ExecutionContext): Promise<boolean>;
}

/** @nestjs/passport's AuthGuard for one strategy: passport's options say which grant the body holds; `req.user` is the identity. */
function strategyGuard(strategy: string, reflector: Reflector): ProviderAuthGuard {
  class StrategyGuard extends AuthGuard(strategy) {
    override getAuthenticateOptions(context: ExecutionContext): ProviderGrantOptions {
      return { grant: reflector.get<ProviderGrantKind | undefined>(GRANT_KEY, context.getHandler()) ?? 'token' };
    }

    /** The strategy's own error as it is (its code and status are the answer); AuthGuard would make a bare 401 of a missing identity. */
    override handleRequest<T>(error: unknown, identity: T): T {
      // passport hands on what the strategy failed with: our strategies fail with Errors (AppError) only.
      if (error) throw error as Error;
      if (!identity) throw new AppError('invalid_provider_token', 'The provider token was not accepted');
      return identity;
    }
  }
  return new StrategyGuard() as ProviderAuthGuard;
}
