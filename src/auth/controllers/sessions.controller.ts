import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CurrentUser, type AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { Client } from '../client-info.js';
import { RefreshTokenDto } from '../dto/refresh-token.dto.js';
import { LoginService, type TokenPairResponse } from '../login.service.js';
import { RefreshTokenService, type ClientInfo } from '../tokens/refresh-token.service.js';

export interface SessionDto {
  id: string;
  device: string | null;
  ip: string | null;
  created_at: string;
  last_used_at: string;
  current: boolean;
}

/** Our own tokens after login: refresh, log out, and the list of one's sessions. */
@Controller('auth')
export class SessionsController {
  constructor(
    private readonly login: LoginService,
    private readonly refreshTokens: RefreshTokenService,
  ) {}

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshTokenDto, @Client() client: ClientInfo): Promise<TokenPairResponse> {
    return this.login.refresh(body.refresh_token, client);
  }

  /** Public: the refresh token itself proves the session, and the access token may have expired already. */
  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.refreshTokens.revokeByToken(body.refresh_token);
  }

  @Post('logout-all')
  @HttpCode(204)
  async logoutAll(@CurrentUser() auth: AuthenticatedUser): Promise<void> {
    await this.refreshTokens.endAllSessions(auth.userId);
  }

  @Get('sessions')
  async sessions(@CurrentUser() auth: AuthenticatedUser): Promise<SessionDto[]> {
    const rows = await this.refreshTokens.listSessions(auth.userId);
    return rows.map((row) => ({
      id: row.familyId,
      device: row.device,
      ip: row.ip,
      created_at: row.sessionCreatedAt.toISOString(),
      last_used_at: row.createdAt.toISOString(),
      current: row.familyId === auth.sessionId,
    }));
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  async endSession(@CurrentUser() auth: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.refreshTokens.endSession(auth.userId, id);
  }
}
