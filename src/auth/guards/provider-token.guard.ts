import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator } from 'passport';
import { AppError } from '../../common/errors/app-error.js';
import type { LoginTimer } from '../../metrics/login-timer.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { IdentityProviderRegistry } from '../../providers/identity-provider.registry.js';
import { providerStrategyName, type ProviderGrantKind } from '../strategies/provider-token.strategy.js';

const GRANT_KEY = 'provider-grant';
/** The route's body holds an authorization code instead of a provider token. */
export const ProviderCodeGrant = () => SetMetadata(GRANT_KEY, 'code' satisfies ProviderGrantKind);

/** Runs the passport strategy of the provider named in the route (`:provider`), for a token or (`@ProviderCodeGrant()`) a code; unknown providers are 404. */
@Injectable()
export class ProviderTokenGuard implements CanActivate {
  constructor(
    private readonly registry: IdentityProviderRegistry,
    private readonly authenticator: Authenticator,
    private readonly metrics: MetricsService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<{ params: { provider: string }; user?: unknown; loginTimer?: LoginTimer }>();
    const provider = this.registry.get(req.params.provider);
    // The login is timed from here, for known providers only; the controller finishes it (see LoginTimer).
    const timer = (req.loginTimer = this.metrics.startLogin(provider.id));
    try {
      req.user = await new Promise((resolve, reject) => {
        const done = (error: unknown, identity: unknown) => {
          if (error) reject(error);
          else if (identity) resolve(identity);
          else reject(new AppError('invalid_provider_token', 'The provider token was not accepted'));
        };
        const grant = this.reflector.get<ProviderGrantKind | undefined>(GRANT_KEY, context.getHandler()) ?? 'token';
        // passport hands the options object to the strategy's authenticate(); its type only lists passport's own.
        const options = { session: false, grant } as Parameters<Authenticator['authenticate']>[1];
        this.authenticator.authenticate(providerStrategyName(provider.id), options, done)(req, http.getResponse(), reject);
      });
    } catch (error) {
      timer.failed(error);
      throw error;
    }
    return true;
  }
}
