import { Inject, Injectable } from '@nestjs/common';
import { randomToken, safeEqual, sha256 } from '../../common/crypto/random.js';
import { AppError } from '../../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { SealedTickets } from '../../one-time/sealed-tickets.js';

/** `interaction`: a sign-in for our authorization server's page (src/oauth-server/), never asked for by a frontend. */
export type CompletionMode = 'redirect' | 'popup' | 'interaction';

/** What a redirect-flow sign-in remembers between `/authorize` and `/callback`, sealed in the one-time store. */
export interface AuthorizationState {
  provider: string;
  returnTo: string;
  mode: CompletionMode;
  codeVerifier: string;
  nonce?: string;
  /** Hash of the browser-binding cookie's value: the callback must come from the browser that started. */
  bindingHash: string;
  /** The frontend's own PKCE challenge for the login code, when it sent one. */
  loginCodeChallenge?: string;
}

/**
 * OAuth `state` (RFC 6749 10.12, RFC 9700 4.7): random, single use, expiring, and bound to the browser by a
 * short-lived HttpOnly cookie, so a state (or a whole callback URL) carried into another browser is refused:
 * that is login CSRF. The PKCE verifier and the nonce ride along, sealed, and never reach the browser.
 */
@Injectable()
export class AuthorizationStates {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: SealedTickets,
  ) {}

  /** The state, the PKCE challenge and nonce to send the provider, and the browser-binding cookie. */
  async issue(start: Pick<AuthorizationState, 'provider' | 'returnTo' | 'mode' | 'loginCodeChallenge'> & { withNonce: boolean }) {
    const codeVerifier = randomToken();
    const nonce = start.withNonce ? randomToken() : undefined;
    const binding = randomToken();
    const ttl = this.config.browser.stateTtlSeconds;
    const payload: AuthorizationState = {
      provider: start.provider,
      returnTo: start.returnTo,
      mode: start.mode,
      codeVerifier,
      nonce,
      bindingHash: sha256(binding),
      loginCodeChallenge: start.loginCodeChallenge,
    };
    const state = await this.tickets.issue(KIND, payload, ttl);
    return {
      state,
      codeChallenge: sha256(codeVerifier),
      nonce,
      cookie: {
        name: stateCookieName(state),
        value: binding,
        path: `/auth/${encodeURIComponent(start.provider)}/callback`,
        maxAgeSeconds: ttl,
      },
    };
  }

  /**
   * Spends the state (whatever happens next: a callback is never good twice) and checks it belongs to this
   * provider and to this browser. `cookies` are the request's.
   */
  async take(provider: string, state: string | undefined, cookies: Record<string, string | undefined>): Promise<AuthorizationState> {
    if (!state) throw new AppError('invalid_state', 'The callback carries no state');
    const stored = await this.tickets.redeem<AuthorizationState>(KIND, state);
    if (!stored || stored.provider !== provider)
      throw new AppError('invalid_state', 'The state is unknown, expired or already used; start the sign-in again');
    const binding = cookies[stateCookieName(state)];
    if (!binding || !safeEqual(sha256(binding), stored.bindingHash)) {
      throw new AppError('state_browser_mismatch', 'This sign-in was started in another browser; start it again here');
    }
    return stored;
  }
}

/** One cookie per sign-in in progress, so two tabs signing in at once do not overwrite each other's binding. */
export const stateCookieName = (state: string) => `nsa_state_${sha256(state).slice(0, 16)}`;

const KIND = 'oauth-state';

/** Carries a sign-in's outcome (a login code, or an error) from our callback to the authorization server's page. */
export const INTERACTION_LOGIN_COOKIE = 'nsa_interaction_login';
