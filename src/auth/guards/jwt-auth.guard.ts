import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { IS_PUBLIC } from '../../common/decorators/public.decorator.js';
import { REQUIRED_SCOPES, THIRD_PARTY_TOKENS, type ThirdPartyTokenVerifier } from '../../common/decorators/scopes.decorator.js';
import { AppError } from '../../common/errors/app-error.js';
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

  /**
   * Synchronous (a boolean, no promise) whenever nothing has to be awaited: a public route, a token verified
   * before (AccessTokenService remembers it), a session whose liveness is cached. Nest awaits a guard's promise
   * on every request, which a user's own guarded route would pay for nothing (docs/decisions/0006).
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<GuardedRequest>();
    const credentials = bearerCredentials(req.headers.authorization);
    const reply = http.getResponse<FastifyReply>();
    if (typeof credentials !== 'string') {
      void reply.header('www-authenticate', bearerChallenge(credentials === MALFORMED ? 'invalid_token' : undefined));
      throw new AppError('invalid_token', 'Send an access token: Authorization: Bearer <token>');
    }
    try {
      // A token that verified before is one of ours (third-party tokens never enter that cache): no need to look inside.
      const remembered = this.tokens.remembered(credentials);
      if (remembered === undefined && this.thirdParty?.accepts(credentials)) return this.admitThirdParty(context, req, reply, credentials);
      const auth = remembered ?? this.tokens.verify(credentials);
      if (this.config.jwt.checkSessionOnEachRequest) {
        const live = this.liveness.known(auth.sessionId);
        if (live === undefined) return this.admitIfLive(req, reply, auth);
        if (!live) throw sessionEnded();
      }
      req.auth = auth;
      return true;
    } catch (error) {
      throw refused(error, reply);
    }
  }

  private async admitThirdParty(
    context: ExecutionContext,
    req: GuardedRequest,
    reply: FastifyReply,
    credentials: string,
  ): Promise<boolean> {
    let auth: AuthenticatedUser;
    try {
      auth = await this.thirdParty!.verify(credentials);
    } catch (error) {
      throw refused(error, reply);
    }
    // A third-party token (it names its client) is held to the route's @Scopes(); a first-party one has them all.
    if (auth.clientId !== undefined) this.checkScopes(context, auth);
    req.auth = auth;
    return true;
  }

  private async admitIfLive(req: GuardedRequest, reply: FastifyReply, auth: AuthenticatedUser): Promise<boolean> {
    try {
      if (!(await this.liveness.isLive(auth.sessionId))) throw sessionEnded();
    } catch (error) {
      throw refused(error, reply);
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
    context
      .switchToHttp()
      .getResponse<{ header(name: string, value: string): unknown }>()
      .header(
        'www-authenticate',
        `Bearer error="insufficient_scope"${scope ? `, scope="${scope}"` : ''}, error_description="${required ? 'The access token lacks a scope this needs' : 'Third-party applications cannot use this'}"`,
      );
    throw new AppError('insufficient_scope', required ? `This needs the scope ${scope}` : 'Third-party applications cannot use this', {
      details: { scope },
    });
  }
}

type GuardedRequest = { headers: Record<string, string | string[] | undefined>; auth?: AuthenticatedUser };

function sessionEnded(): AppError {
  return new AppError('invalid_token', 'This session has ended');
}

/** A refused token's 401 carries the challenge that says so (RFC 6750 §3.1); other errors pass unchanged. */
function refused(error: unknown, reply: FastifyReply): unknown {
  if (error instanceof AppError && error.status === 401) void reply.header('www-authenticate', bearerChallenge('invalid_token'));
  return error;
}

/** Longer than any access token we sign (a few hundred characters); a bigger header is not worth parsing. */
const MAX_CREDENTIALS_LENGTH = 4096;
export const MALFORMED = Symbol('malformed bearer credentials');
/** RFC 6750 §2.1: `Bearer` 1*SP b64token. The scheme is case-insensitive (RFC 9110 §11.1), the token is not. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * The token of an `Authorization: Bearer` header; `undefined` when no bearer token was sent (no header, another
 * scheme), `MALFORMED` when the Bearer scheme came with something that cannot be a token (or a huge one).
 */
export function bearerCredentials(header: string | string[] | undefined): string | typeof MALFORMED | undefined {
  if (typeof header !== 'string' || !/^bearer(?: |$)/i.test(header)) return undefined;
  if (header.length > MAX_CREDENTIALS_LENGTH) return MALFORMED;
  return BEARER.exec(header)?.[1] ?? MALFORMED;
}

/**
 * The challenge of a 401 (RFC 9110 §11.6.1, RFC 6750 §3): an error code only when a bearer token was sent
 * and refused; a request without one gets the bare challenge. No realm: the API is one protection space
 * (docs/decisions/0012-http-contract-hardening.md).
 */
export function bearerChallenge(error?: 'invalid_token'): string {
  return error ? `Bearer error="${error}"` : 'Bearer';
}
