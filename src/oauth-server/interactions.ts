/**
 * Our authorization server's interaction pages (oidc-provider's `interactions.url`): sign in with one of our
 * social providers, then consent. There is no password form: "Continue with Google" runs our own redirect flow
 * (src/auth/browser/), which comes back here with its outcome in a cookie only this interaction's path receives;
 * the login code in it is bound (PKCE) to a verifier only this server can derive from the interaction's uid.
 */
import { createHmac } from 'node:crypto';
import { parse } from 'node:querystring';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuditTrail } from '../audit/audit-trail.service.js';
import { INTERACTION_LOGIN_COOKIE } from '../auth/browser/authorization-states.js';
import { readCookies, serializeCookie } from '../auth/browser/cookies.js';
import { LoginCodes } from '../auth/browser/login-codes.js';
import { RedirectFlowService } from '../auth/browser/redirect-flow.service.js';
import { clientInfoOf } from '../auth/client-info.js';
import { sha256 } from '../common/crypto/random.js';
import { AppError } from '../common/errors/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { IdentityProviderRegistry } from '../providers/identity-provider.registry.js';
import { UsersService } from '../users/users.service.js';
import { FIRST_PARTY } from './applications/applications.service.js';
import { impersonatedName } from './applications/client-name-policy.js';
import { cookieKeys } from './oauth-provider.service.js';
import type { ServerInteractionDetails, ServerProvider } from './oidc-provider.types.js';
import { consentPage, destinationOf, errorPage, loginPage, type ClientShown } from './pages.js';
import { ALL_SCOPES, apiResource } from './scopes.js';

type Req = FastifyRequest<{ Params: { uid: string; provider?: string } }>;

/** A cookie the browser sent is input: a malformed one reads as empty, never as a 500. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '';
  }
}

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);

/** `get`: the app's instance of a service (the pages are mounted outside Nest's routing, after it has started). */
export function registerInteractions(
  scope: FastifyInstance,
  config: AppConfig,
  provider: ServerProvider,
  get: <T>(type: new (...args: never[]) => T) => T,
  helmet: Omit<FastifyHelmetOptions, 'global'>,
): void {
  const registry = get(IdentityProviderRegistry);
  const flow = get(RedirectFlowService);
  const loginCodes = get(LoginCodes);
  const users = get(UsersService);
  const audit = get(AuditTrail);
  const base = `${config.oauthServer.path}/interaction`;
  const publicBase = `${config.browser.publicUrl}${base}`;
  const secret = cookieKeys(config)[0];
  /** The login code's verifier for this interaction: derived, so nothing needs storing between the two requests. */
  const verifierFor = (uid: string) => createHmac('sha256', secret).update(`interaction-login:${uid}`).digest('base64url');

  // Only empty form posts (the buttons) are read here.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, body, done) =>
    done(null, parse(body as string)),
  );

  /** The interaction of this browser (its cookie) with this uid, or an error page: expired, or another tab's. */
  async function detailsOf(req: Req, reply: FastifyReply): Promise<ServerInteractionDetails | undefined> {
    try {
      const details = await provider.interactionDetails(req.raw, reply.raw);
      if (details.uid === req.params.uid) return details;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 400) throw error;
    }
    void html(reply, 400, errorPage('interaction_expired', 'This sign-in is no longer in progress.'));
    return undefined;
  }

  /** Hands the interaction's outcome back to oidc-provider: a redirect that resumes the authorization request. */
  const resume = async (req: Req, reply: FastifyReply, result: Record<string, unknown>, mergeWithLastSubmission = false) =>
    reply.redirect(await provider.interactionResult(req.raw, reply.raw, result, { mergeWithLastSubmission }), 303);

  /**
   * How the pages name the application: its own name, checked again against OAUTH_RESERVED_CLIENT_NAMES as they are
   * now. A name registered before the list named what it passes for (an operator added to the list, say with a new
   * provider) shows as the client_id, which the application cannot choose.
   */
  async function clientOf(details: ServerInteractionDetails): Promise<ClientShown> {
    const clientId = String(details.params.client_id);
    const client = await provider.Client.find(clientId);
    const firstParty = client?.[FIRST_PARTY] === true;
    const claimed = client?.clientName;
    const trusted = claimed !== undefined && (firstParty || !impersonatedName(claimed, config.oauthServer.reservedClientNames));
    return { name: trusted ? claimed : clientId, firstParty, destination: destinationOf(details.params.redirect_uri) };
  }

  function showLogin(reply: FastifyReply, details: ServerInteractionDetails, client: ClientShown, problem?: string, status = 200) {
    const providers = registry
      .list()
      .filter((p) => p.codeFlow)
      .map((p) => ({ name: p.displayName, href: `${base}/${details.uid}/provider/${encodeURIComponent(p.id)}` }));
    return html(reply, status, loginPage({ client, providers, problem, abortAction: `${base}/${details.uid}/abort` }));
  }

  /** The scopes the consent page names: only those not granted yet. */
  function missingScopes({ missingOIDCScope, missingResourceScopes }: ServerInteractionDetails['prompt']['details']): string[] {
    const missing = new Set([...(missingOIDCScope ?? []), ...Object.values(missingResourceScopes ?? {}).flat()]);
    return [...missing].filter((s) => s in ALL_SCOPES);
  }

  scope.get(`${base}/:uid`, { helmet }, async (req: Req, reply) => {
    const details = await detailsOf(req, reply);
    if (!details) return reply;
    const client = await clientOf(details);
    if (details.prompt.name === 'login') return showLogin(reply, details, client);
    if (details.prompt.name !== 'consent') return html(reply, 400, errorPage('unsupported_prompt', details.prompt.name));
    const user = await users.get(details.session!.accountId!).catch(() => undefined);
    if (!user) return showLogin(reply, details, client, 'Sign in again.');
    const scopes = missingScopes(details.prompt.details).map((name) => ({ name, description: ALL_SCOPES[name] }));
    const [action, abortAction] = [`${base}/${details.uid}/consent`, `${base}/${details.uid}/abort`];
    return html(reply, 200, consentPage({ client, scopes, userName: user.name ?? user.username, action, abortAction }));
  });

  scope.get(`${base}/:uid/provider/:provider`, { helmet: { ...helmet, crossOriginOpenerPolicy: false } }, async (req: Req, reply) => {
    const details = await detailsOf(req, reply);
    if (!details) return reply;
    try {
      const { location, cookie } = await flow.startForInteraction(
        req.params.provider!,
        `${publicBase}/${details.uid}/login`,
        sha256(verifierFor(details.uid)),
      );
      return reply.header('set-cookie', serializeCookie(cookie)).header('cache-control', 'no-store').redirect(location, 302);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return showLogin(reply, details, await clientOf(details), error.message, 400);
    }
  });

  scope.get(`${base}/:uid/login`, { helmet }, async (req: Req, reply) => {
    const details = await detailsOf(req, reply);
    if (!details) return reply;
    const cookiePath = `${new URL(publicBase).pathname}/${details.uid}/login`;
    reply.header(
      'set-cookie',
      serializeCookie({ name: INTERACTION_LOGIN_COOKIE, value: '', path: cookiePath, maxAgeSeconds: 0, secure: false, sameSite: 'lax' }),
    );
    const outcome = new URLSearchParams(safeDecode(readCookies(req.headers.cookie)[INTERACTION_LOGIN_COOKIE] ?? ''));
    const client = await clientOf(details);
    const loginCode = outcome.get('login_code');
    if (!loginCode)
      return showLogin(reply, details, client, outcome.get('error_description') ?? 'The sign-in did not finish; try again.', 400);
    try {
      const signedIn = await loginCodes.redeem(loginCode, verifierFor(details.uid));
      if (signedIn.kind !== 'signed-in') return showLogin(reply, details, client, signedIn.message, 400);
      return await resume(req, reply.header('cache-control', 'no-store'), { login: { accountId: signedIn.userId, amr: ['fed'] } });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return showLogin(reply, details, client, error.message, 400);
    }
  });

  scope.post(`${base}/:uid/consent`, { helmet }, async (req: Req, reply) => {
    const details = await detailsOf(req, reply);
    if (!details) return reply;
    if (details.prompt.name !== 'consent' || !details.session?.accountId)
      return html(reply, 400, errorPage('invalid_request', 'Nothing to consent to here.'));
    const { accountId } = details.session;
    const clientId = String(details.params.client_id);
    const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    const resourceScopes = missingResourceScopes?.[apiResource(config)];
    if (resourceScopes) grant.addResourceScope(apiResource(config), resourceScopes.join(' '));
    const grantId = await grant.save();
    const client = clientInfoOf(req);
    await audit.recordAfter({ event: 'authorization_granted', userId: accountId, client, detail: { client_id: clientId } });
    return resume(req, reply.header('cache-control', 'no-store'), { consent: { grantId } }, true);
  });

  scope.post(`${base}/:uid/abort`, { helmet }, async (req: Req, reply) => {
    if (!(await detailsOf(req, reply))) return reply;
    return resume(req, reply, { error: 'access_denied', error_description: 'The user did not allow the request' });
  });
}
