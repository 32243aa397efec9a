/**
 * Mounts the dev IdP at `config.browser.devIdp.path` on our Fastify instance. oidc-provider is a Koa app: its
 * `callback()` takes Node's `req`/`res`, so each request under the path is handed over raw (`reply.hijack()`),
 * the way its docs mount it in hapi or Nest: `url` without the prefix and `originalUrl` with it, from which it
 * derives its mount path for every URL it writes (lib/helpers/oidc_context.js `urlFor`).
 * Bodies stay unread (oidc-provider parses its own, with its own limit), so our 64 KiB JSON-only parsing never
 * sees its form posts.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppLogger } from '../common/logging/app-logger.js';
import { REQUEST_ID_HEADER } from '../common/logging/request-context.js';
import type { AppConfig } from '../config/app-config.js';
import { devIdpIssuer } from './dev-idp.client.js';
import { registerInteraction } from './dev-idp.interaction.js';
import { DEV_IDP_CSP_DIRECTIVES } from './dev-idp.pages.js';
import { createDevIdpProvider } from './dev-idp.provider.js';
import type { OidcProvider } from './oidc-provider.types.js';

/**
 * Our API's headers, with two changes: a CSP that allows the pages' hashed style (oidc-provider adds its own
 * script hashes to it, e.g. for form_post), and no `Cross-Origin-Opener-Policy`, which in a popup sign-in would
 * cut the popup off from the page that opened it.
 */
const HELMET = { contentSecurityPolicy: { useDefaults: false, directives: DEV_IDP_CSP_DIRECTIVES }, crossOriginOpenerPolicy: false } as const;

function handOver(provider: OidcProvider, prefix: string, issuerPath: string) {
  const callback = provider.callback();
  return (req: FastifyRequest, reply: FastifyReply) => {
    const raw = req.raw as IncomingMessage & { originalUrl?: string };
    const url = raw.url!;
    const inner = url.slice(prefix.length) || '/';
    reply.hijack();
    reply.raw.setHeader(REQUEST_ID_HEADER, req.id);
    // The issuer's path, not our route's: behind a proxy that strips a PUBLIC_URL path, URLs must carry it back.
    [raw.originalUrl, raw.url] = [`${issuerPath}${inner}`, inner];
    // Our request log reads `req.url` when the response finishes: give it back first (the log strips the query).
    reply.raw.prependOnceListener('finish', () => void (raw.url = url));
    callback(raw, reply.raw);
  };
}

/** Called from setupApp; does nothing unless DEV_IDP_ENABLED (by default: development only). */
export function registerDevIdp(fastify: FastifyInstance, config: AppConfig, logger: AppLogger): void {
  const { enabled, path } = config.browser.devIdp;
  if (!enabled) return;
  const issuer = devIdpIssuer(config);
  if (config.nodeEnv === 'production') {
    logger.warn(`DEV_IDP_FORCE is set: the development identity provider at ${issuer} signs anyone in as anyone they type. Never in a real deployment.`, 'DevIdp');
  }
  void fastify.register(async (scope) => {
    const provider = await createDevIdpProvider(config, logger);
    void scope.register(async (forms) => registerInteraction(forms, provider, new URL(issuer).pathname, HELMET), { prefix: path });
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    scope.route({ method: ['GET', 'POST'], url: `${path}/*`, helmet: HELMET, handler: handOver(provider, path, new URL(issuer).pathname) });
    logger.log(`Development identity provider at ${issuer} (any username signs in)`, 'DevIdp');
  });
}
