import { PassportStrategy } from '@nestjs/passport';
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

/** The options ProviderTokenGuard hands to the strategy through passport. */
export interface ProviderGrantOptions {
  grant?: ProviderGrantKind;
}

type Done = (error: unknown, identity?: VerifiedIdentity | false) => void;

/**
 * The smallest passport strategy that reads the request itself (as passport-custom does): passport calls
 * `authenticate`, which hands the request and the guard's options to the verify callback PassportStrategy supplies
 * (it calls `validate`). Named by its instance, so one class serves every provider.
 */
class RequestStrategy extends Strategy {
  constructor(
    readonly name: string,
    private readonly verify: (req: unknown, options: ProviderGrantOptions | undefined, done: Done) => void,
  ) {
    super();
  }

  override authenticate(req: unknown, options?: ProviderGrantOptions): void {
    this.verify(req, options, (error, identity) => {
      if (error) this.error(error as Error);
      else if (identity) this.success(identity);
      else this.fail(401);
    });
  }
}

/**
 * One passport strategy class, one instance per enabled provider, through @nestjs/passport's `PassportStrategy`:
 * reads the token (or, for `grant: 'code'`, the authorization code) from the body and asks the provider's
 * definition who it belongs to. It replaces passport-google-token/passport-facebook-token
 * (docs/decisions/0001-provider-token-strategy.md). Success hands on a `VerifiedIdentity`; it never touches our
 * users. Constructing it registers it with passport under `name` (see ProviderStrategies for the name).
 */
export class ProviderTokenStrategy extends PassportStrategy(RequestStrategy) {
  constructor(
    name: string,
    private readonly provider: IdentityProvider,
    private readonly nonces: NonceService,
    private readonly codeGrants: CodeGrantService,
  ) {
    super(name);
  }

  /** The body is validated here, once: the routes take no `@Body()` for the global pipe to check again. */
  async validate(req: { body?: unknown }, options?: ProviderGrantOptions): Promise<VerifiedIdentity> {
    if (options?.grant === 'code') return this.codeGrants.verifyFrontendCode(this.provider, validateDto(ProviderCodeDto, req.body ?? {}));
    const input = validateDto(ProviderTokenDto, req.body ?? {});
    if (input.id_token !== undefined) {
      if (!this.provider.verifyIdToken)
        throw new AppError('unsupported_grant', `${this.provider.displayName} does not issue ID tokens; send an access_token`);
      const { identity, nonce } = await this.provider.verifyIdToken(input.id_token);
      await this.nonces.consume(this.provider.id, nonce);
      return identity;
    }
    if (!this.provider.verifyAccessToken)
      throw new AppError('unsupported_grant', `${this.provider.displayName} takes an id_token, not an access_token`);
    return this.provider.verifyAccessToken(input.access_token!);
  }
}
