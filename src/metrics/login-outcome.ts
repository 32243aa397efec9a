import { answeredCode } from '../common/errors/answered-code.js';
import type { MetricsService } from './metrics.service.js';

/**
 * A login route's outcome, recorded once its answer is out (a step of the one `onResponse` hook, request-metrics.ts)
 * instead of by a Nest interceptor around the handler: an interceptor wraps every login in rxjs observables, about
 * 15 KB of allocation per login for one counter (docs/decisions/0006-request-path-performance.md, "Login path, fifth
 * pass"). Two marks on the reply carry what the hook needs: ProviderTokenGuard's (the provider, once it let the
 * login through; a login it refuses it records itself) and HttpErrorFilter's (answered-code.ts: the code the client
 * is answered with).
 */
const ADMITTED_LOGIN = Symbol('nsa.admittedLogin');

interface MarkedReply {
  [ADMITTED_LOGIN]?: string;
}

/** ProviderTokenGuard let this login through: `provider` is a known provider's id (a bounded label). */
export function markLoginAdmitted(reply: object, provider: string): void {
  (reply as MarkedReply)[ADMITTED_LOGIN] = provider;
}

/**
 * `nsa_logins_total` / `nsa_login_duration_seconds` for an admitted login, timed from the request's arrival to its
 * answer: `success`, or the code of the error body it was answered with. Nothing for any other request.
 */
export function recordAdmittedLogin(metrics: MetricsService, reply: { statusCode: number; elapsedTime: number }): void {
  const provider = (reply as MarkedReply)[ADMITTED_LOGIN];
  if (provider === undefined) return;
  const outcome = reply.statusCode < 400 ? 'success' : (answeredCode(reply) ?? 'internal_error');
  metrics.loginEnded(provider, outcome, reply.elapsedTime / 1000);
}
