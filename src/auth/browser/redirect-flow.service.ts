import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import { isStoreOutage } from '../../common/errors/outage.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { IdentityProviderRegistry } from '../../providers/identity-provider.registry.js';
import { oauthErrorName } from '../../providers/oauth2/oauth-error.js';
import { CodeGrantService, codeFlowOf } from '../code-grant.service.js';
import type { AuthorizeQuery } from '../dto/authorize.query.js';
import type { CallbackParams } from '../dto/callback.params.js';
import { LoginService } from '../login.service.js';
import { AuthorizationStates, type AuthorizationState } from './authorization-states.js';
import type { CookieSpec } from './cookies.js';
import { LoginCodes } from './login-codes.js';
import { matchReturnTo } from './url-allow-list.js';

/** What the callback hands the frontend: a login code, or an error code with a readable description. */
export type CallbackResult = Record<string, string> & ({ login_code: string } | { error: string; error_description: string });

/**
 * The server redirect flow: `/authorize` sends the browser to the provider with state, PKCE S256 and (OIDC) a
 * nonce; `/callback` checks them, redeems the code with our client secret, runs the pipeline, and sends the browser
 * back to an allow-listed `return_to` with a one-time login code. No token ever goes into a URL.
 */
@Injectable()
export class RedirectFlowService {
  private readonly logger = new Logger(RedirectFlowService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: IdentityProviderRegistry,
    private readonly states: AuthorizationStates,
    private readonly codeGrants: CodeGrantService,
    private readonly loginCodes: LoginCodes,
    private readonly login: LoginService,
    private readonly metrics: MetricsService,
  ) {}

  /** The provider's authorization URL and the browser-binding cookie. Nothing is stored for a refused request. */
  async start(providerId: string, query: AuthorizeQuery): Promise<{ location: string; cookie: CookieSpec }> {
    const returnTo = matchReturnTo(this.config.browser.returnToUrls, query.return_to);
    if (!returnTo)
      throw new AppError('return_to_not_allowed', 'return_to is not one of the frontend URLs configured in AUTH_RETURN_TO_URLS');
    return this.begin(providerId, returnTo, query.mode ?? 'redirect', query.code_challenge);
  }

  /**
   * The same sign-in for our authorization server's sign-in page (src/oauth-server/): it returns to `returnTo`,
   * a URL we built (so no allow-list), with the outcome in a cookie rather than a fragment the server cannot read.
   */
  startForInteraction(providerId: string, returnTo: string, loginCodeChallenge: string): Promise<{ location: string; cookie: CookieSpec }> {
    return this.begin(providerId, returnTo, 'interaction', loginCodeChallenge);
  }

  private async begin(
    providerId: string,
    returnTo: string,
    mode: AuthorizationState['mode'],
    loginCodeChallenge: string | undefined,
  ): Promise<{ location: string; cookie: CookieSpec }> {
    const provider = this.registry.get(providerId);
    const flow = codeFlowOf(provider);
    const issued = await this.states.issue({ provider: provider.id, returnTo, mode, loginCodeChallenge, withNonce: flow.returnsIdToken });
    const location = await flow.authorizationUrl({
      redirectUri: this.callbackUrl(provider.id),
      state: issued.state,
      codeChallenge: issued.codeChallenge,
      nonce: issued.nonce,
    });
    const secure = this.config.browser.publicUrl.startsWith('https:');
    return { location, cookie: { ...issued.cookie, secure, sameSite: flow.responseMode === 'form_post' ? 'none' : 'lax' } };
  }

  /**
   * Throws only when the callback cannot be trusted to belong to a sign-in we started (state missing, unknown,
   * reused, expired, other browser): then there is no `return_to` to go back to. Anything after that, provider
   * refusals included, is a `CallbackResult` for the frontend.
   */
  async finish(
    providerId: string,
    params: CallbackParams,
    cookies: Record<string, string>,
  ): Promise<{ state: AuthorizationState; result: CallbackResult }> {
    const provider = this.registry.get(providerId);
    const state = await this.states.take(provider.id, params.state, cookies);
    if (params.error !== undefined) {
      const error = oauthErrorName(params.error);
      const code = error === 'access_denied' ? 'provider_access_denied' : 'provider_error';
      return { state, result: { error: code, error_description: `${provider.displayName} answered ${error}` } };
    }
    if (!params.code)
      return { state, result: { error: 'invalid_authorization_code', error_description: `${provider.displayName} sent no code` } };
    const grant = {
      code: params.code,
      redirectUri: this.callbackUrl(provider.id),
      codeVerifier: state.codeVerifier,
      callbackParams: definedOnly(params),
    };
    const timer = this.metrics.startLogin(provider.id);
    try {
      const signedIn = await timer.observe(
        this.codeGrants.verifyCallbackCode(provider, grant, state.nonce).then((identity) => this.login.signIn(identity)),
      );
      const loginCode = await this.loginCodes.issue({ kind: 'signed-in', ...signedIn, provider: provider.id }, state.loginCodeChallenge);
      return { state, result: { login_code: loginCode } };
    } catch (error) {
      return { state, result: await this.refusal(error, state) };
    }
  }

  /** Our callback URL at the provider: the only redirect URI the redirect flow ever uses. */
  callbackUrl(providerId: string): string {
    return `${this.config.browser.publicUrl}/auth/${encodeURIComponent(providerId)}/callback`;
  }

  /** Answers that carry a token of their own (pending_token, link_token) wait behind a login code too. */
  private async refusal(error: unknown, state: AuthorizationState): Promise<CallbackResult> {
    if (isStoreOutage(error)) {
      this.logger.warn(`Redirect-flow callback: a store is unavailable (${describeError(error)})`);
      return { error: 'service_unavailable', error_description: 'The service is briefly unavailable; try signing in again shortly' };
    }
    if (!(error instanceof AppError)) {
      this.logger.error('Redirect-flow callback failed', error instanceof Error ? error.stack : String(error));
      return { error: 'internal_error', error_description: 'The sign-in failed on our side; try again' };
    }
    if (error.details && ('pending_token' in error.details || 'link_token' in error.details)) {
      const outcome = { kind: 'refused' as const, code: error.code, message: error.message, details: error.details };
      return { login_code: await this.loginCodes.issue(outcome, state.loginCodeChallenge) };
    }
    return { error: error.code, error_description: error.message };
  }
}

/** Name and driver code only: a driver's message can quote SQL parameters. */
function describeError(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown };
  return [e.name, e.code].filter((part) => typeof part === 'string').join(' ');
}

const definedOnly = (params: CallbackParams): Record<string, string> =>
  Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
