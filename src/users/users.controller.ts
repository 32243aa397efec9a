import { Body, Controller, Get, Patch } from '@nestjs/common';
import { CurrentUser, type AuthenticatedUser } from '../common/decorators/current-user.decorator.js';
import { UpdateMeDto } from './dto/update-me.dto.js';
import { toUserDto, type UserDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  async me(@CurrentUser() auth: AuthenticatedUser): Promise<UserDto> {
    return toUserDto(await this.users.get(auth.userId));
  }

  @Patch('me')
  async updateMe(@CurrentUser() auth: AuthenticatedUser, @Body() dto: UpdateMeDto): Promise<UserDto> {
    return toUserDto(await this.users.update(auth.userId, dto));
  }
}
