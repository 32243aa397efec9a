import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../../common/errors/app-error.js';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { IS_PUBLIC } from '../../common/decorators/public.decorator.js';
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
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; auth?: AuthenticatedUser }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (!match) throw new AppError('invalid_token', 'Send an access token: Authorization: Bearer <token>');
    const auth = this.tokens.verify(match[1]!);
    if (this.config.jwt.checkSessionOnEachRequest && !(await this.liveness.isLive(auth.sessionId))) {
      throw new AppError('invalid_token', 'This session has ended');
    }
    req.auth = auth;
    return true;
  }
}
