/**
 * Mounts the dev IdP at `config.browser.devIdp.path` on our Fastify instance, handed over raw to oidc-provider
 * by the helper our own authorization server uses too (src/common/http/raw-mount.ts).
 */
import type { FastifyInstance } from 'fastify';
import { mountRaw, underPrefix } from '../common/http/raw-mount.js';
import type { AppLogger } from '../common/logging/app-logger.js';
import type { AppConfig } from '../config/app-config.js';
import { devIdpIssuer } from './dev-idp.client.js';
import { registerInteraction } from './dev-idp.interaction.js';
import { DEV_IDP_CSP_DIRECTIVES } from './dev-idp.pages.js';
import { createDevIdpProvider } from './dev-idp.provider.js';

/**
 * Our API's headers, with two changes: a CSP that allows the pages' hashed style (oidc-provider adds its own
 * script hashes to it, e.g. for form_post), and no `Cross-Origin-Opener-Policy`, which in a popup sign-in would
 * cut the popup off from the page that opened it.
 */
const HELMET = {
  contentSecurityPolicy: { useDefaults: false, directives: DEV_IDP_CSP_DIRECTIVES },
  crossOriginOpenerPolicy: false,
} as const;

/** Called from setupApp; does nothing unless DEV_IDP_ENABLED (by default: development only). */
export function registerDevIdp(fastify: FastifyInstance, config: AppConfig, logger: AppLogger): void {
  const { enabled, path } = config.browser.devIdp;
  if (!enabled) return;
  const issuer = devIdpIssuer(config);
  if (config.nodeEnv === 'production') {
    logger.warn(
      `DEV_IDP_FORCE is set: the development identity provider at ${issuer} signs anyone in as anyone they type. Never in a real deployment.`,
      'DevIdp',
    );
  }
  void fastify.register(async (scope) => {
    const provider = await createDevIdpProvider(config, logger);
    void scope.register(async (forms) => registerInteraction(forms, provider, new URL(issuer).pathname, HELMET), { prefix: path });
    mountRaw(
      scope,
      provider.callback(),
      new URL(issuer).pathname,
      [{ methods: ['GET', 'POST'], url: `${path}/*`, inner: underPrefix(path) }],
      HELMET,
    );
    logger.log(`Development identity provider at ${issuer} (any username signs in)`, 'DevIdp');
  });
}
