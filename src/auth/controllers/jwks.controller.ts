import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../../common/decorators/public.decorator.js';
import { SigningKeyService, type PublicJwk } from '../tokens/signing-keys.service.js';

/** Our public keys, so other services verify our access tokens without calling us. */
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeyService) {}

  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  jwks(): { keys: PublicJwk[] } {
    return this.keys.jwks;
  }
}
