import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { JwksResponse } from '../dto/jwks.response.js';
import { SigningKeyService } from '../tokens/signing-keys.service.js';

/** Our public keys, so other services verify our access tokens without calling us. */
@Public()
@ApiTags('keys')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeyService) {}

  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'Our public signing keys (JWKS), for services that verify our access tokens themselves' })
  @ApiOkResponse({ type: JwksResponse })
  @ApiErrors()
  jwks(): JwksResponse {
    return this.keys.jwks;
  }
}
