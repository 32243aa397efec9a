import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '../common/decorators/current-user.decorator.js';
import { ApiErrors } from '../common/errors/api-errors.decorator.js';
import { NoStore } from '../common/http/no-store.js';
import { ActivityPageDto, ActivityQuery, decodeCursor, toActivityPage } from './activity.dto.js';
import { AuditTrail } from './audit-trail.service.js';

const DEFAULT_PAGE = 20;

/** The user's own audit trail. First-party tokens only (no `@Scopes()`), like `/users/me/authorizations`. */
@ApiTags('users')
@NoStore()
@Controller('users/me/activity')
export class ActivityController {
  constructor(private readonly audit: AuditTrail) {}

  @Get()
  @ApiOperation({ summary: "The signed-in user's security events (sign-ins, linked accounts, ended sessions, …), newest first" })
  @ApiOkResponse({ type: ActivityPageDto })
  @ApiErrors('validation_failed', 'invalid_token', 'insufficient_scope')
  async list(@CurrentUser() auth: AuthenticatedUser, @Query() query: ActivityQuery): Promise<ActivityPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const before = query.before === undefined ? undefined : decodeCursor(query.before);
    return toActivityPage(await this.audit.list(auth.userId, limit + 1, before), limit);
  }
}
