import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../../common/errors/app-error.js';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { IS_PUBLIC } from '../../common/decorators/public.decorator.js';
import { REQUIRED_SCOPES, THIRD_PARTY_TOKENS, type ThirdPartyTokenVerifier } from '../../common/decorators/scopes.decorator.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AccessTokenService } from '../tokens/access-token.service.js';
import { SessionLiveness } from '../tokens/session-liveness.js';

/**
 * The global guard: every route needs our access token unless it is marked `@Public()`.
 * A plain guard rather than passport-jwt: this runs on every request, and the verification is one call.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly liveness: SessionLiveness,
    @Optional() @Inject(THIRD_PARTY_TOKENS) private readonly thirdParty?: ThirdPartyTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; auth?: AuthenticatedUser }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (!match) throw new AppError('invalid_token', 'Send an access token: Authorization: Bearer <token>');
    if (this.thirdParty?.accepts(match[1]!)) {
      req.auth = await this.thirdParty.verify(match[1]!);
      this.checkScopes(context, req.auth);
      return true;
    }
    const auth = this.tokens.verify(match[1]!);
    if (this.config.jwt.checkSessionOnEachRequest && !(await this.liveness.isLive(auth.sessionId))) {
      throw new AppError('invalid_token', 'This session has ended');
    }
    req.auth = auth;
    return true;
  }

  /** A third-party token needs every scope the route names (`@Scopes()`); a route naming none is first-party only. */
  private checkScopes(context: ExecutionContext, auth: AuthenticatedUser): void {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]);
    const granted = new Set(auth.scopes ?? []);
    const missing = required === undefined ? undefined : required.filter((s) => !granted.has(s));
    if (missing?.length === 0) return;
    const scope = (required ?? []).join(' ');
    // RFC 6750 3.1: what the client must ask for, so it can come back with a token that has it.
    context.switchToHttp().getResponse<{ header(name: string, value: string): unknown }>()
      .header('www-authenticate', `Bearer error="insufficient_scope"${scope ? `, scope="${scope}"` : ''}, error_description="${required ? 'The access token lacks a scope this needs' : 'Third-party applications cannot use this'}"`);
    throw new AppError('insufficient_scope', required ? `This needs the scope ${scope}` : 'Third-party applications cannot use this', { details: { scope } });
  }
}
