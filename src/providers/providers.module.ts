import { Module } from '@nestjs/common';
import { ProviderHttpClient } from './http/provider-http.client.js';
import { IdentityProviderRegistry } from './identity-provider.registry.js';

@Module({
  providers: [ProviderHttpClient, IdentityProviderRegistry],
  exports: [IdentityProviderRegistry, ProviderHttpClient],
})
export class ProvidersModule {}
