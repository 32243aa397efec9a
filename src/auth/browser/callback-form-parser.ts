import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Room for Apple's `code`, `state`, `id_token` and `user` fields, and nothing like a real upload. */
const FORM_LIMIT_BYTES = 16 * 1024;
const CALLBACK_ROUTE = '/auth/:provider/callback';
/** And the access token of RFC 6750 §2.2 at our OpenID Connect userinfo (src/oauth-server/controllers/userinfo-form-token.ts). */
const FORM_ROUTES = new Set([CALLBACK_ROUTE, '/oauth/userinfo']);

/**
 * Form bodies, for the one route that must take them: `POST /auth/{provider}/callback`, where providers using
 * `response_mode=form_post` (Apple) send the browser back. Nest would otherwise parse forms for every route;
 * here they stay `415` everywhere else, because a cross-site HTML form can POST a form body without any CORS
 * preflight, and our JSON endpoints should never be reachable that way. Must run before `app.init()`.
 */
export function registerCallbackFormParser(app: NestFastifyApplication): void {
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: FORM_LIMIT_BYTES }, (req, body, done) => {
    if (!FORM_ROUTES.has(req.routeOptions.url ?? '')) {
      done(Object.assign(new Error('Form bodies are only accepted by /auth/{provider}/callback'), { statusCode: 415 }), undefined);
      return;
    }
    done(null, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  });
}
