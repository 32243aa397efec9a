import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import passport from 'passport';
import { IdentityProviderRegistry } from '../../providers/identity-provider.registry.js';
import type { VerifiedIdentity } from '../../providers/identity-provider.types.js';
import { CodeGrantService } from '../code-grant.service.js';
import { NonceService } from '../nonce.service.js';
import { ProviderTokenStrategy } from './provider-token.strategy.js';

export const providerStrategyName = (providerId: string) => `provider-token:${providerId}`;

/** Apps made in this process so far: each app's strategy names carry its number. */
let apps = 0;

/**
 * The provider-token strategy of each enabled provider, made at boot. @nestjs/passport registers a strategy with
 * passport's process-wide instance, the only one its AuthGuard looks in; two apps in one process (tests, workers)
 * configure the same provider ids differently, so each app's names carry its own number
 * (`provider-token:google#2`) and are taken back when the app closes (docs/decisions/0036).
 */
@Injectable()
export class ProviderStrategies implements OnModuleDestroy {
  private readonly strategies = new Map<string, ProviderTokenStrategy>();

  constructor(registry: IdentityProviderRegistry, nonces: NonceService, codeGrants: CodeGrantService) {
    const app = ++apps;
    for (const provider of registry.list()) {
      this.strategies.set(
        provider.id,
        new ProviderTokenStrategy(`${providerStrategyName(provider.id)}#${app}`, provider, nonces, codeGrants),
      );
    }
  }

  /** The passport name of an enabled provider's strategy. */
  nameOf(providerId: string): string {
    return this.strategies.get(providerId)!.name;
  }

  /** What the strategy checks for `POST /auth/{provider}/token`, on a body from elsewhere (RFC 8693 token exchange). */
  verifyToken(providerId: string, body: Record<string, string>): Promise<VerifiedIdentity> {
    return this.strategies.get(providerId)!.validate({ body }, { grant: 'token' });
  }

  onModuleDestroy(): void {
    for (const strategy of this.strategies.values()) passport.unuse(strategy.name);
  }
}
