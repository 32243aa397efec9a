/**
 * Mounts the authorization server on our Fastify instance (from setupApp): oidc-provider under `/oauth/*` and
 * its metadata at the root (`/.well-known/openid-configuration`, and RFC 8414's `oauth-authorization-server`,
 * the same document), through the raw hand-over the dev IdP uses too; our interaction pages beside it.
 * Does nothing when OAUTH_SERVER_ENABLED=false.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getStorageToken, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyInstance } from 'fastify';
import { mountRaw, underPrefix } from '../common/http/raw-mount.js';
import type { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { ReadsCounters } from '../rate-limit/memory-throttler.storage.js';
import { authorizeByPost } from './authorize-by-post.js';
import { registerUserinfoFormToken } from './controllers/userinfo-form-token.js';
import { registerInteractions } from './interactions.js';
import { OAuthProviderService } from './oauth-provider.service.js';
import { OAUTH_PAGES_CSP_DIRECTIVES } from './pages.js';
import { OAuthRateLimiter } from './rate-limit/oauth-rate-limit.js';

/** The pages' CSP (hashed style, forms to ourselves only); the rest of our API's headers as they are. */
const HELMET = { contentSecurityPolicy: { useDefaults: false, directives: OAUTH_PAGES_CSP_DIRECTIVES } } as const;

const DISCOVERY = '/.well-known/openid-configuration';

export function registerOAuthServer(fastify: FastifyInstance, app: NestFastifyApplication, config: AppConfig): void {
  if (!config.oauthServer.enabled) return;
  const { path } = config.oauthServer;
  const get = <T>(type: new (...args: never[]) => T): T => app.get(type, { strict: false });
  registerUserinfoFormToken(fastify);
  void fastify.register(async (scope) => {
    const provider = await get(OAuthProviderService).provider();
    const mountPath = `${new URL(config.browser.publicUrl).pathname.replace(/\/$/, '')}${path}`;
    const limiter = new OAuthRateLimiter(
      config,
      app.get<ThrottlerStorage & ReadsCounters>(getStorageToken(), { strict: false }),
      get(MetricsService),
    );
    limiter.register(scope, path);
    mountRaw(
      scope,
      limiter.wrap(authorizeByPost(provider.callback()), path),
      mountPath,
      [
        { methods: ['GET', 'POST', 'OPTIONS'], url: `${path}/*`, inner: underPrefix(path) },
        // RFC 7592 reads, updates and deletes a registered client at /oauth/register/:client_id.
        ...(config.oauthServer.dynamicRegistration.enabled
          ? [{ methods: ['PUT', 'DELETE'], url: `${path}/register/:clientId`, inner: underPrefix(path) }]
          : []),
        { methods: ['GET', 'OPTIONS'], url: DISCOVERY, inner: (url) => url },
        {
          methods: ['GET', 'OPTIONS'],
          url: '/.well-known/oauth-authorization-server',
          inner: (url) => url.replace('/.well-known/oauth-authorization-server', DISCOVERY),
        },
      ],
      HELMET,
    );
    void scope.register(async (pages) => registerInteractions(pages, config, provider, get, HELMET));
  });
}
