import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Authenticator } from 'passport';
import { AppError } from '../../common/errors/app-error.js';
import { IdentityProviderRegistry } from '../../providers/identity-provider.registry.js';
import { providerStrategyName } from '../strategies/provider-token.strategy.js';

/** Runs the passport strategy of the provider named in the route (`:provider`); unknown providers are 404. */
@Injectable()
export class ProviderTokenGuard implements CanActivate {
  constructor(
    private readonly registry: IdentityProviderRegistry,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<{ params: { provider: string }; user?: unknown }>();
    const provider = this.registry.get(req.params.provider);
    req.user = await new Promise((resolve, reject) => {
      const done = (error: unknown, identity: unknown) => {
        if (error) reject(error);
        else if (identity) resolve(identity);
        else reject(new AppError('invalid_provider_token', 'The provider token was not accepted'));
      };
      this.authenticator.authenticate(providerStrategyName(provider.id), { session: false }, done)(req, http.getResponse(), reject);
    });
    return true;
  }
}
