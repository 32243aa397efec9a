import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { NoStore } from '../../common/http/no-store.js';
import { Client } from '../client-info.js';
import { RefreshTokenDto } from '../dto/refresh-token.dto.js';
import { SessionDto, toSessionDto } from '../dto/session.dto.js';
import { TokenPairResponse } from '../dto/token-pair.response.js';
import { LoginService } from '../login.service.js';
import { RefreshTokenService, type ClientInfo } from '../tokens/refresh-token.service.js';

/** Our own tokens after login: refresh, log out, and the list of one's sessions. */
@ApiTags('auth')
@NoStore()
@Controller('auth')
export class SessionsController {
  constructor(
    private readonly login: LoginService,
    private readonly refreshTokens: RefreshTokenService,
  ) {}

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new token pair for a refresh token; the one sent stops working' })
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiErrors(
    'validation_failed',
    'invalid_refresh_token',
    'refresh_token_reused',
    'refresh_token_superseded',
    'account_inactive',
    'payload_too_large',
    'rate_limited',
  )
  refresh(@Body() body: RefreshTokenDto, @Client() client: ClientInfo): Promise<TokenPairResponse> {
    return this.login.refresh(body.refresh_token, client);
  }

  /** Public: the refresh token itself proves the session, and the access token may have expired already. */
  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session of this refresh token' })
  @ApiNoContentResponse({ description: 'The session has ended' })
  @ApiErrors('validation_failed', 'invalid_refresh_token', 'payload_too_large', 'rate_limited')
  async logout(@Body() body: RefreshTokenDto, @Client() client: ClientInfo): Promise<void> {
    await this.refreshTokens.revokeByToken(body.refresh_token, client);
  }

  @Post('logout-all')
  @HttpCode(204)
  @ApiOperation({ summary: 'End every session of the signed-in user' })
  @ApiNoContentResponse({ description: 'Every session has ended' })
  @ApiErrors('invalid_token', 'rate_limited')
  async logoutAll(@CurrentUser() auth: AuthenticatedUser, @Client() client: ClientInfo): Promise<void> {
    await this.refreshTokens.endAllSessions(auth.userId, client);
  }

  @Get('sessions')
  @ApiOperation({ summary: "The signed-in user's live sessions, most recently used first" })
  @ApiOkResponse({ type: [SessionDto] })
  @ApiErrors('invalid_token', 'rate_limited')
  async sessions(@CurrentUser() auth: AuthenticatedUser): Promise<SessionDto[]> {
    const rows = await this.refreshTokens.listSessions(auth.userId);
    return rows.map((row) => toSessionDto(row, auth.sessionId));
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'End one session of the signed-in user' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'A session id from `GET /auth/sessions`' })
  @ApiNoContentResponse({ description: 'The session has ended' })
  @ApiErrors('validation_failed', 'invalid_token', 'not_found', 'rate_limited')
  async endSession(
    @CurrentUser() auth: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.refreshTokens.endSession(auth.userId, id, client);
  }
}
