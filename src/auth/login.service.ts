import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail.service.js';
import { AppError } from '../common/errors/app-error.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import type { VerifiedIdentity } from '../providers/identity-provider.types.js';
import { AssociationPipeline } from '../users/association/association.pipeline.js';
import { AccountLinkRequired, PipelinePause } from '../users/association/login-outcomes.js';
import { toUserDto } from '../users/dto/user.dto.js';
import { User } from '../users/entities/user.entity.js';
import type { LoginResponse, TokenPairResponse } from './dto/token-pair.response.js';
import { AccessTokenService } from './tokens/access-token.service.js';
import { RefreshTokenService, type ClientInfo, type IssuedRefreshToken } from './tokens/refresh-token.service.js';
import { WaitingIdentities, type SuppliedFields } from './waiting-identities.service.js';

/** How a session began, for the audit trail: provider token, authorization code, redirect, or a completed paused login. */
export type SignInFlow = 'token' | 'code' | 'redirect' | 'complete';

/**
 * From a verified provider identity to our tokens. The pipeline and the new session are one transaction:
 * a failure anywhere leaves no user, no social account and no session behind. Provider calls happen before it
 * (in the strategy), so no transaction waits on the network.
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly pipeline: AssociationPipeline,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly waiting: WaitingIdentities,
    private readonly audit: AuditTrail,
  ) {}

  async login(identity: VerifiedIdentity, client: ClientInfo, flow: SignInFlow = 'token'): Promise<LoginResponse> {
    const { user, isNewUser, refresh } = await this.associate(identity, (manager, user, isNewUser) =>
      this.startSessionIn(manager, user.id, client, { provider: identity.provider, flow, isNewUser }),
    );
    return { ...this.pair(user, refresh.token, refresh.familyId), is_new_user: isNewUser };
  }

  /**
   * The redirect flow's callback: the pipeline runs now (the user is found or made), the session starts only when
   * the frontend redeems the login code (`startSession`), so an abandoned code leaves no session behind.
   */
  async signIn(identity: VerifiedIdentity): Promise<{ userId: string; isNewUser: boolean }> {
    const { user, isNewUser } = await this.associate(identity, async () => undefined);
    return { userId: user.id, isNewUser };
  }

  /** `POST /auth/login-code`: a session for a user the callback signed in moments ago, unless deactivated since. */
  async startSession(userId: string, isNewUser: boolean, client: ClientInfo, provider: string | null = null): Promise<LoginResponse> {
    const { user, refresh } = await this.tx.runWithRetryOnConflict(async (manager) => {
      const user = await manager.findOneBy(User, { id: userId });
      if (!user) throw new AppError('invalid_login_code', 'The account of this login code no longer exists');
      if (!user.isActive) throw new AppError('account_inactive', 'This account is inactive');
      return { user, refresh: await this.startSessionIn(manager, user.id, client, { provider, flow: 'redirect', isNewUser }) };
    });
    return { ...this.pair(user, refresh.token, refresh.familyId), is_new_user: isNewUser };
  }

  /** The pipeline and `then` in one transaction: a failure anywhere leaves no user, social account or session. */
  private async associate<T>(
    identity: VerifiedIdentity,
    then: (manager: EntityManager, user: User, isNewUser: boolean) => Promise<T>,
  ): Promise<{ user: User; isNewUser: boolean; refresh: T }> {
    return this.tx
      .runWithRetryOnConflict(async (manager) => {
        const context = await this.pipeline.run(identity, manager);
        if (!context.user.isActive) throw new AppError('account_inactive', 'This account is inactive');
        return { user: context.user, isNewUser: context.isNewUser, refresh: await then(manager, context.user, context.isNewUser) };
      })
      .catch(async (error: unknown) => {
        // A step asked for more (PipelinePause): the transaction has rolled back; the identity waits for /auth/complete.
        if (error instanceof PipelinePause) throw await this.waiting.pause(identity, error);
        // An account has this email: the identity waits for that account to sign in and confirm the link.
        if (error instanceof AccountLinkRequired) throw await this.waiting.offerLink(identity, error);
        throw error;
      });
  }

  /** `POST /auth/complete`: the paused identity with the user's fields, through the whole pipeline again. */
  async complete(pendingToken: string, supplied: SuppliedFields, client: ClientInfo): Promise<LoginResponse> {
    return this.login(await this.waiting.resume(pendingToken, supplied), client, 'complete');
  }

  /** The new session and its `sign_in` event: the login transaction's last statement (two on SQLite). */
  private async startSessionIn(
    manager: EntityManager,
    userId: string,
    client: ClientInfo,
    { provider, flow, isNewUser }: { provider: string | null; flow: SignInFlow; isNewUser: boolean },
  ): Promise<IssuedRefreshToken> {
    const { row, issued } = this.refreshTokens.newSession(userId, client);
    await this.audit.record(
      manager,
      { event: 'sign_in', userId, client, provider, sessionId: issued.familyId, detail: { flow, new_user: isNewUser } },
      [row],
    );
    return issued;
  }

  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenPairResponse> {
    const session = await this.refreshTokens.rotate(refreshToken, client);
    return this.pair(session.user, session.token, session.familyId);
  }

  private pair(user: User, refreshToken: string, sessionId: string): TokenPairResponse {
    return {
      access_token: this.accessTokens.sign(user.id, sessionId),
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: this.accessTokens.ttlSeconds,
      user: toUserDto(user),
    };
  }
}
