import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { IdentityProviderRegistry } from '../../providers/identity-provider.registry.js';
import { NotRateLimited } from '../../rate-limit/not-rate-limited.decorator.js';
import { ProvidersResponse, toProviderDto } from '../dto/providers.response.js';

/** Lets a frontend build its sign-in buttons from the server's configuration instead of hard-coding it. */
@Public()
@ApiTags('auth')
@Controller('auth')
export class ProvidersController {
  constructor(private readonly registry: IdentityProviderRegistry) {}

  @Get('providers')
  // Read on every page load of a SPA: it must not spend the sign-in budget (see NotRateLimited).
  @NotRateLimited()
  // Short: a provider whose discovery was down shows its authorization endpoint again within a minute.
  @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'The enabled identity providers and what a frontend needs to start each sign-in' })
  @ApiOkResponse({ type: ProvidersResponse })
  @ApiErrors()
  async list(): Promise<ProvidersResponse> {
    return { providers: await Promise.all(this.registry.list().map(toProviderDto)) };
  }
}
