/**
 * The dev IdP's sign-in page, at the URL oidc-provider sends the browser to (`interactions.url`): a username
 * form instead of oidc-provider's devInteractions, whose page loads a web font and shows debug details.
 * Consent is never asked (`loadExistingGrant` grants our own client what it asks), so login is the only prompt.
 */
import { parse } from 'node:querystring';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { slugify } from './dev-idp.accounts.js';
import { errorPage, loginPage } from './dev-idp.pages.js';
import type { InteractionDetails, OidcProvider } from './oidc-provider.types.js';

type InteractionRequest = FastifyRequest<{ Params: { uid: string }; Body: Record<string, unknown> | undefined }>;

const html = (reply: FastifyReply, status: number, page: string) => reply.code(status).type('text/html; charset=utf-8').send(page);

/** An expired or replaced interaction (its cookie is gone, or it is another tab's) is the user's to restart, not a 500. */
async function detailsOf(provider: OidcProvider, req: InteractionRequest, reply: FastifyReply) {
  try {
    const details = await provider.interactionDetails(req.raw, reply.raw);
    if (details.uid === req.params.uid) return details;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 400) throw error;
  }
  void html(reply, 400, errorPage('sign-in expired', 'This sign-in is no longer in progress.'));
  return undefined;
}

export function registerInteraction(
  scope: FastifyInstance,
  provider: OidcProvider,
  basePath: string,
  helmet: Omit<FastifyHelmetOptions, 'global'>,
): void {
  // Only the two small forms below are read here; everything else under the dev IdP goes unparsed to oidc-provider.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) =>
    done(null, parse(body as string)),
  );
  const page = (details: InteractionDetails, form: { username?: string; problem?: string } = {}) =>
    loginPage({
      action: `${basePath}/interaction/${details.uid}`,
      cancelAction: `${basePath}/interaction/${details.uid}/abort`,
      clientId: String(details.params.client_id),
      ...form,
    });
  const resume = async (req: InteractionRequest, reply: FastifyReply, result: Record<string, unknown>) =>
    reply.redirect(await provider.interactionResult(req.raw, reply.raw, result, { mergeWithLastSubmission: false }), 303);

  scope.get('/interaction/:uid', { helmet }, async (req: InteractionRequest, reply) => {
    const details = await detailsOf(provider, req, reply);
    if (!details) return reply;
    if (details.prompt.name !== 'login') return html(reply, 501, errorPage('unsupported prompt', details.prompt.name));
    return html(reply.header('cache-control', 'no-store'), 200, page(details));
  });

  scope.post('/interaction/:uid', { helmet }, async (req: InteractionRequest, reply) => {
    const details = await detailsOf(provider, req, reply);
    if (!details) return reply;
    const username = typeof req.body?.username === 'string' ? req.body.username : '';
    const accountId = slugify(username);
    if (!accountId) return html(reply, 400, page(details, { username, problem: 'Type a username with at least one letter or digit.' }));
    return resume(req, reply, { login: { accountId } });
  });

  scope.post('/interaction/:uid/abort', { helmet }, async (req: InteractionRequest, reply) => {
    if (!(await detailsOf(provider, req, reply))) return reply;
    return resume(req, reply, { error: 'access_denied', error_description: 'The user cancelled the Dev IdP sign-in' });
  });
}
