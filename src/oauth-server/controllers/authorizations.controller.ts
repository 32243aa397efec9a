import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Client } from '../../auth/client-info.js';
import type { ClientInfo } from '../../auth/tokens/refresh-token.service.js';
import { CurrentUser, type AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { AuthorizationsService } from '../authorizations.service.js';

export class AuthorizationDto {
  @ApiProperty({ description: 'Names this authorization for DELETE' })
  id: string;

  @ApiProperty()
  client_id: string;

  @ApiProperty()
  client_name: string;

  @ApiProperty({ type: [String] })
  scopes: string[];

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

/** The applications a user let in, and taking that back. First-party tokens only (no `@Scopes()`). */
@ApiTags('users')
@Controller('users/me/authorizations')
export class AuthorizationsController {
  constructor(private readonly authorizations: AuthorizationsService) {}

  @Get()
  @ApiOperation({ summary: 'The third-party applications the signed-in user authorized, with what they may do' })
  @ApiOkResponse({ type: [AuthorizationDto] })
  @ApiErrors('invalid_token', 'insufficient_scope')
  list(@CurrentUser() auth: AuthenticatedUser): Promise<AuthorizationDto[]> {
    return this.authorizations.list(auth.userId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke an application's authorization: its tokens stop working at once; next time it asks for consent again" })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors('invalid_token', 'insufficient_scope', 'not_found')
  async revoke(@CurrentUser() auth: AuthenticatedUser, @Param('id') id: string, @Client() client: ClientInfo): Promise<void> {
    await this.authorizations.revoke(auth.userId, id, client);
  }
}
