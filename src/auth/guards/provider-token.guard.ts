import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Authenticator } from 'passport';
import { AppError } from '../../common/errors/app-error.js';
import type { LoginTimer } from '../../metrics/login-timer.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { IdentityProviderRegistry } from '../../providers/identity-provider.registry.js';
import { providerStrategyName } from '../strategies/provider-token.strategy.js';

/** Runs the passport strategy of the provider named in the route (`:provider`); unknown providers are 404. */
@Injectable()
export class ProviderTokenGuard implements CanActivate {
  constructor(
    private readonly registry: IdentityProviderRegistry,
    private readonly authenticator: Authenticator,
    private readonly metrics: MetricsService,
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
        this.authenticator.authenticate(providerStrategyName(provider.id), { session: false }, done)(req, http.getResponse(), reject);
      });
    } catch (error) {
      timer.failed(error);
      throw error;
    }
    return true;
  }
}
