import { Inject, Injectable } from '@nestjs/common';
import { safeEqual, sha256 } from '../../common/crypto/random.js';
import { AppError } from '../../common/errors/app-error.js';
import type { ErrorCode } from '../../common/errors/error-codes.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { SealedTickets } from '../../one-time/sealed-tickets.js';

/**
 * How a redirect-flow sign-in ended, waiting for the frontend: signed in, or an answer that carries a token of its
 * own (`profile_incomplete` with its pending_token, `account_link_required` with its link_token), which must not
 * travel in a URL either.
 */
export type LoginOutcome =
  | { kind: 'signed-in'; userId: string; isNewUser: boolean; provider?: string }
  | { kind: 'refused'; code: ErrorCode; message: string; details?: Record<string, unknown> };

type SealedOutcome = { outcome: LoginOutcome; challenge?: string };

/**
 * The one-time login code the callback hands the frontend (in the URL fragment or by postMessage), traded at
 * `POST /auth/login-code`. Lives under a minute, works once; if the frontend sent a PKCE challenge with
 * `/authorize`, only the holder of its verifier can redeem it, so a code that leaks from the address bar is useless.
 */
@Injectable()
export class LoginCodes {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: SealedTickets,
  ) {}

  issue(outcome: LoginOutcome, challenge: string | undefined): Promise<string> {
    return this.tickets.issue(KIND, { outcome, challenge } satisfies SealedOutcome, this.config.browser.loginCodeTtlSeconds);
  }

  async redeem(loginCode: string, codeVerifier: string | undefined): Promise<LoginOutcome> {
    const sealed = await this.tickets.redeem<SealedOutcome>(KIND, loginCode);
    if (!sealed) throw new AppError('invalid_login_code', 'The login code is unknown, expired or already used; sign in again');
    // Spent above either way: a code tried with a wrong verifier must not stay usable for guessing.
    if (sealed.challenge !== undefined && (codeVerifier === undefined || !safeEqual(sha256(codeVerifier), sealed.challenge))) {
      throw new AppError('invalid_login_code', 'The code_verifier does not match the code_challenge sent to /authorize');
    }
    return sealed.outcome;
  }
}

const KIND = 'login-code';
