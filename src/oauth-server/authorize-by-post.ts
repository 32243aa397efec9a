/**
 * OpenID Connect Core 3.1.2.1: the authorization endpoint MUST take POST (form-serialised parameters) as well as
 * GET. oidc-provider answers POST only with `enableHttpPostMethods`, which it allows only with the session cookie
 * `SameSite=None` (so a cross-site form post still carries it): that cookie would need `Secure`, which plain-http
 * development cannot set, and would go along on every cross-site request. Instead a form POST to `/authorize` is
 * handed to oidc-provider as the GET it is equivalent to, with the body as its query, inside this process: no URL
 * is issued with the parameters in it. A same-site POST keeps the sign-in; a cross-site one arrives without the
 * `SameSite=Lax` session cookie, so the user signs in again (never a silent grant the GET would not give). ADR 0039.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RawCallback } from '../common/http/raw-mount.js';
import { sendOAuthError } from './pages.js';
import { isForm } from './rate-limit/client-of-request.js';

/** Authorization requests are a few hundred bytes; a request object by value a few KiB. */
const FORM_LIMIT_BYTES = 64 * 1024;

export function authorizeByPost(callback: RawCallback): RawCallback {
  return (req, res) => {
    const path = req.url!.split('?')[0];
    if (req.method !== 'POST' || path !== '/authorize') return callback(req, res);
    void readForm(req).then(
      (form) => {
        if (form === undefined) return void answer(res, 413, 'payload_too_large');
        if (form === null) return void answer(res, 415, 'unsupported_media_type');
        req.method = 'GET';
        req.url = `/authorize?${form}`;
        (req as { originalUrl?: string }).originalUrl = (req as { originalUrl?: string }).originalUrl?.split('?')[0].concat(`?${form}`);
        for (const header of ['content-type', 'content-length', 'transfer-encoding']) delete req.headers[header];
        callback(req, res);
      },
      () => answer(res, 400, 'invalid_request'),
    );
  };
}

/** The form body as a query string; `null` when it is not a form, `undefined` when it is too large. */
async function readForm(req: IncomingMessage): Promise<string | null | undefined> {
  if (!isForm(req)) {
    req.resume();
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT_BYTES) return undefined;
    chunks.push(chunk);
  }
  // Normalised through URLSearchParams: what oidc-provider reads from a query is exactly what the form said.
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8')).toString();
}

function answer(res: ServerResponse, status: number, error: string): void {
  sendOAuthError(res, status, {
    error,
    error_description: 'the authorization endpoint takes GET, or POST with a form body (application/x-www-form-urlencoded)',
  });
}
