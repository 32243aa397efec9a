import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { devIdpProviders } from '../dev-idp/dev-idp.client.js';
import { ProviderHttpClient } from './http/provider-http.client.js';
import type { IdentityProvider } from './identity-provider.types.js';
import { createAliasedProvider, createDeclaredProvider } from './presets/index.js';
import { unknownProvider } from './unknown-provider.js';

/** The enabled identity providers, built once from config at boot. */
@Injectable()
export class IdentityProviderRegistry {
  private readonly providers = new Map<string, IdentityProvider>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    http: ProviderHttpClient,
  ) {
    const p = config.providers;
    const cache = { maxAgeMs: p.jwksCacheMaxAgeMs, cooldownMs: p.jwksCooldownMs };
    // Google, Facebook and GitHub declared by their alias variables (GOOGLE_CLIENT_IDS, …).
    for (const id of ['google', 'facebook', 'github'] as const) if (p[id].enabled) this.add(createAliasedProvider(id, p[id], http, cache));
    // Declared by configuration (PROVIDERS_FILE, PROVIDERS), plus the dev IdP when on; ids were checked unique and distinct from the above.
    for (const custom of [...p.custom, ...devIdpProviders(config)])
      if (custom.enabled) this.add(createDeclaredProvider(custom, http, cache));
  }

  add(provider: IdentityProvider): void {
    this.providers.set(provider.id, provider);
  }

  get(id: string): IdentityProvider {
    const provider = this.providers.get(id);
    if (provider) return provider;
    throw unknownProvider(
      id,
      [...this.providers.keys()],
      this.config.providers.custom.map((custom) => custom.id),
    );
  }

  list(): IdentityProvider[] {
    return [...this.providers.values()];
  }
}
