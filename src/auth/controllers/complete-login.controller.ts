import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { NoStore } from '../../common/http/no-store.js';
import { Client } from '../client-info.js';
import { CompleteLoginDto } from '../dto/complete-login.dto.js';
import { LoginResponse } from '../dto/token-pair.response.js';
import { LoginService } from '../login.service.js';
import type { ClientInfo } from '../tokens/refresh-token.service.js';

/**
 * The second half of a login a pipeline step paused (`422 profile_incomplete`). Public: the single-use
 * `pending_token` stands for the provider token that was verified in the first half.
 */
@Public()
@ApiTags('auth')
@NoStore()
@Controller('auth')
export class CompleteLoginController {
  constructor(private readonly login: LoginService) {}

  @Post('complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Finish a login paused for missing profile fields, with the fields the user typed' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors(
    'validation_failed',
    'invalid_pending_token',
    'profile_incomplete',
    'account_inactive',
    'login_not_allowed',
    'email_not_verified',
    'account_link_required',
    'username_taken',
    'payload_too_large',
    'rate_limited',
    'service_unavailable',
  )
  complete(@Body() body: CompleteLoginDto, @Client() client: ClientInfo): Promise<LoginResponse> {
    return this.login.complete(body.pending_token, { email: body.email }, client);
  }
}
