import { Strategy } from 'passport-strategy';
import { AppError } from '../../common/errors/app-error.js';
import { validateDto } from '../../common/validation/validation.js';
import type { IdentityProvider, VerifiedIdentity } from '../../providers/identity-provider.types.js';
import type { CodeGrantService } from '../code-grant.service.js';
import { ProviderCodeDto } from '../dto/provider-code.dto.js';
import { ProviderTokenDto } from '../dto/provider-token.dto.js';
import type { NonceService } from '../nonce.service.js';

/** What the request body holds: a provider token (`/token`) or an authorization code (`/code`). */
export type ProviderGrantKind = 'token' | 'code';

export const providerStrategyName = (providerId: string) => `provider-token:${providerId}`;

/**
 * One passport strategy class, one instance per enabled provider: reads the token from the body and asks the
 * provider's definition who it belongs to. It replaces passport-google-token/passport-facebook-token
 * (docs/decisions/0001-provider-token-strategy.md). Success hands on a `VerifiedIdentity`; it never touches our users.
 */
export class ProviderTokenStrategy extends Strategy {
  name: string;

  constructor(
    private readonly provider: IdentityProvider,
    private readonly nonces: NonceService,
    private readonly codeGrants: CodeGrantService,
  ) {
    super();
    this.name = providerStrategyName(provider.id);
  }

  override authenticate(req: { body?: unknown }, options?: { grant?: ProviderGrantKind }): void {
    const verified = options?.grant === 'code' ? this.verifyCode(req.body) : this.verify(req.body);
    verified.then(
      (identity) => this.success(identity),
      (error: unknown) => this.error(error as Error),
    );
  }

  private async verifyCode(body: unknown): Promise<VerifiedIdentity> {
    return this.codeGrants.verifyFrontendCode(this.provider, validateDto(ProviderCodeDto, body ?? {}));
  }

  private async verify(body: unknown): Promise<VerifiedIdentity> {
    const input = validateDto(ProviderTokenDto, body ?? {});
    if (input.id_token !== undefined) {
      if (!this.provider.verifyIdToken) throw new AppError('unsupported_grant', `${this.provider.displayName} does not issue ID tokens; send an access_token`);
      const { identity, nonce } = await this.provider.verifyIdToken(input.id_token);
      await this.nonces.consume(this.provider.id, nonce);
      return identity;
    }
    if (!this.provider.verifyAccessToken) throw new AppError('unsupported_grant', `${this.provider.displayName} takes an id_token, not an access_token`);
    return this.provider.verifyAccessToken(input.access_token!);
  }
}
