import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** What `JwtAuthGuard` puts on the request after verifying our access token. */
export interface AuthenticatedUser {
  userId: string;
  sessionId: string;
  tokenId: string;
  /** Set for a third-party application's token (src/oauth-server/): its client, and the scopes the user consented to. */
  clientId?: string;
  scopes?: string[];
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthenticatedUser => ctx.switchToHttp().getRequest<{ auth: AuthenticatedUser }>().auth,
);
