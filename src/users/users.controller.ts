import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '../common/decorators/current-user.decorator.js';
import { Scopes } from '../common/decorators/scopes.decorator.js';
import { ApiErrors } from '../common/errors/api-errors.decorator.js';
import { NoStore } from '../common/http/no-store.js';
import { UpdateMeDto } from './dto/update-me.dto.js';
import { toUserDto, UserDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@NoStore()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @Scopes('profile:read')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors('invalid_token', 'account_inactive')
  async me(@CurrentUser() auth: AuthenticatedUser): Promise<UserDto> {
    return toUserDto(await this.users.get(auth.userId));
  }

  @Patch('me')
  @Scopes('profile:write')
  @ApiOperation({ summary: "Change the signed-in user's username or names (email comes from providers)" })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors('validation_failed', 'invalid_token', 'account_inactive', 'username_taken', 'payload_too_large')
  async updateMe(@CurrentUser() auth: AuthenticatedUser, @Body() dto: UpdateMeDto): Promise<UserDto> {
    return toUserDto(await this.users.update(auth.userId, dto));
  }
}
