import { Inject, Injectable } from '@nestjs/common';
import { safeEqual } from '../common/crypto/random.js';
import { AppError } from '../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { CodeFlow, CodeGrant, IdentityProvider, VerifiedIdentity } from '../providers/identity-provider.types.js';
import { matchRedirectUri } from './browser/url-allow-list.js';
import type { ProviderCodeDto } from './dto/provider-code.dto.js';
import { NonceService } from './nonce.service.js';

/**
 * Authorization codes, from a frontend (`POST /auth/{provider}/code`) or from our redirect flow's callback: every
 * check that can be made before calling the provider is made first, so a refused request costs it nothing.
 */
@Injectable()
export class CodeGrantService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly nonces: NonceService,
  ) {}

  /**
   * The code flow of a frontend or native app. `redirect_uri` must be on the provider's list (RFC 6749 4.1.3);
   * native redirect URIs need PKCE (RFC 8252 8.1). Nonce: the frontend names the one it sent, or it was one of ours
   * (`GET /auth/{provider}/nonce`) and is spent here.
   */
  async verifyFrontendCode(provider: IdentityProvider, input: ProviderCodeDto): Promise<VerifiedIdentity> {
    const flow = codeFlowOf(provider);
    const match = matchRedirectUri(flow.redirectUris, input.redirect_uri);
    if (!match) {
      throw new AppError('redirect_uri_not_allowed', `redirect_uri is not one of the redirect URIs configured for ${provider.displayName}`);
    }
    if (input.code_verifier === undefined && (match.native || this.config.browser.codePkceRequired)) {
      throw new AppError(
        'code_verifier_required',
        match.native ? 'A native app redirect_uri needs PKCE: send code_verifier' : 'PKCE is required: send code_verifier',
      );
    }
    const { identity, nonce } = await flow.exchangeCode({
      code: input.code,
      redirectUri: input.redirect_uri,
      codeVerifier: input.code_verifier,
    });
    if (input.nonce !== undefined) {
      requireNonce(nonce, input.nonce, 'The ID token does not carry the nonce of the authorization request');
    } else {
      await this.nonces.consume(provider.id, nonce);
    }
    return identity;
  }

  /** The redirect flow's callback: the redirect URI, verifier and nonce are the ones we sent with the state. */
  async verifyCallbackCode(provider: IdentityProvider, grant: CodeGrant, expectedNonce: string | undefined): Promise<VerifiedIdentity> {
    const { identity, nonce } = await codeFlowOf(provider).exchangeCode(grant);
    if (expectedNonce !== undefined)
      requireNonce(nonce, expectedNonce, `The ${provider.displayName} ID token does not carry the nonce of this sign-in`);
    return identity;
  }
}

/** The ID token's nonce must be the one the authorization request sent (compared in constant time). */
function requireNonce(actual: string | undefined, expected: string, message: string): void {
  if (actual === undefined || !safeEqual(actual, expected)) throw new AppError('invalid_nonce', message);
}

export function codeFlowOf(provider: IdentityProvider): CodeFlow {
  if (!provider.codeFlow) {
    throw new AppError(
      'unsupported_grant',
      `${provider.displayName} has no client secret configured here, so it cannot redeem authorization codes`,
    );
  }
  return provider.codeFlow;
}
