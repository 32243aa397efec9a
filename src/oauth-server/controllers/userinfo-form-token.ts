import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS } from '../../common/errors/error-codes.js';

/** Our userinfo route (UserinfoController), the one route of our API that takes a form body. */
export const USERINFO_ROUTE = '/oauth/userinfo';

/**
 * RFC 6750 §2.2 at `POST /oauth/userinfo`: the access token may come as the form field `access_token` instead of
 * the Authorization header, as oidc-provider's own userinfo takes it. Our guard (JwtAuthGuard) reads the header
 * only, so the field becomes the header before the guard runs: one way to authenticate, whichever the client chose.
 * Both at once is `400` (§2: a client MUST NOT use more than one method). Attached to that route alone (`onRoute`),
 * so no other request pays for it; must be registered before Nest adds its routes (`app.init()`).
 */
export function registerUserinfoFormToken(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (route.url !== USERINFO_ROUTE || ![route.method].flat().includes('POST')) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), formTokenToHeader];
  });
}

function formTokenToHeader(req: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
  const token = (req.body as { access_token?: unknown } | null | undefined)?.access_token;
  if (req.method !== 'POST' || token === undefined) return done();
  if (typeof token !== 'string' || req.headers.authorization !== undefined) {
    const message =
      typeof token !== 'string' ? 'Send one access_token' : 'Send the access token once: in the Authorization header or in the form body';
    void reply
      .code(ERROR_STATUS.validation_failed)
      .send({ statusCode: ERROR_STATUS.validation_failed, code: 'validation_failed', message });
    return;
  }
  req.headers.authorization = `Bearer ${token}`;
  done();
}
