import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorBody } from '../errors/error-body.js';
import { documentNoStore } from '../http/no-store.js';

export const DOCS_PATH = '/docs';
export const DOCS_JSON_PATH = '/docs-json';
export const BEARER_SCHEME = 'bearer';

/**
 * Swagger UI is an HTML page with its scripts, styles and images under /docs, so it cannot live under the API's
 * `default-src 'none'` (src/common/security/helmet.ts). Scripts stay same-origin; inline styles are the page's own.
 */
const DOCS_HELMET = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
};

function buildDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('nest-social-auth')
    .setDescription(
      'Trade a Google, Facebook or GitHub token for our tokens, then call the API with `Authorization: Bearer …`. ' +
        'Every error is an `ErrorBody`; branch on its `code`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    // Routes are guarded by default (JwtAuthGuard), so the document is too; `@Public()` sets `security: [{}]`.
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorBody] });
  documentNoStore(document);
  return document;
}

/**
 * `GET /docs` (Swagger UI) and `GET /docs-json`. SwaggerModule registers them on Fastify directly, outside
 * Nest's router, so no guard (JwtAuthGuard, rate limiting) applies: they are public by construction.
 * The document is built on the first request, when every module's routes are known.
 */
export function setupOpenApi(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (route.url === DOCS_PATH || route.url?.startsWith(`${DOCS_PATH}/`)) route.config = { ...route.config, helmet: DOCS_HELMET };
    });
  SwaggerModule.setup(DOCS_PATH, app, () => buildDocument(app), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'nest-social-auth API',
  });
}
