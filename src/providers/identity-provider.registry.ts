import { Inject, Injectable } from '@nestjs/common';
import { ProviderHttpClient } from './http/provider-http.client.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { devIdpProviders } from '../dev-idp/dev-idp.client.js';
import { FacebookIdentityProvider } from './definitions/facebook.js';
import { GitHubIdentityProvider } from './definitions/github.js';
import { GoogleIdentityProvider } from './definitions/google.js';
import type { IdentityProvider } from './identity-provider.types.js';
import { createDeclaredProvider } from './presets/index.js';
import { RemoteJwks } from './oidc/remote-jwks.js';
import { unknownProvider } from './unknown-provider.js';

/** The enabled identity providers, built once from config at boot. */
@Injectable()
export class IdentityProviderRegistry {
  private readonly providers = new Map<string, IdentityProvider>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, http: ProviderHttpClient) {
    const p = config.providers;
    const cache = { maxAgeMs: p.jwksCacheMaxAgeMs, cooldownMs: p.jwksCooldownMs };
    if (p.google.enabled) {
      this.add(new GoogleIdentityProvider(p.google, http, new RemoteJwks('google', p.google.jwksUrl, http, cache)));
    }
    if (p.facebook.enabled) {
      this.add(new FacebookIdentityProvider(p.facebook, http, new RemoteJwks('facebook', p.facebook.jwksUrl, http, cache)));
    }
    if (p.github.enabled) this.add(new GitHubIdentityProvider(p.github, http));
    // Declared by configuration (PROVIDERS_FILE, PROVIDERS), plus the dev IdP when on; ids were checked unique and distinct from the above.
    for (const custom of [...p.custom, ...devIdpProviders(config)]) if (custom.enabled) this.add(createDeclaredProvider(custom, http, cache));
  }

  add(provider: IdentityProvider): void {
    this.providers.set(provider.id, provider);
  }

  get(id: string): IdentityProvider {
    const provider = this.providers.get(id);
    if (!provider) throw unknownProvider(id, [...this.providers.keys()], this.config.providers.custom.map((custom) => custom.id));
    return provider;
  }

  list(): IdentityProvider[] {
    return [...this.providers.values()];
  }
}
