/**
 * A sign-in through our redirect flow, driven over HTTP as a browser would drive it, for `npm run dev:login`:
 * `GET /auth/{provider}/authorize` with a PKCE challenge, the dev IdP's username form, our callback, then
 * `POST /auth/login-code` with the verifier. Works for `dev` and for any declared provider whose issuer is the
 * dev IdP (docs/adding-a-provider.md, "Try it locally"); a real provider's sign-in page is not a form it knows.
 */
import { createHash, randomBytes } from 'node:crypto';
import { BrowserSession, formAction } from './browser-session.js';

export interface DevSignIn {
  /** Where the API listens: `http://localhost:3000`. */
  baseUrl: string;
  provider: string;
  username: string;
  /** One of AUTH_RETURN_TO_URLS; the demo page's URL is on it whenever the demo is on (development). */
  returnTo: string;
}

/** A refusal worth telling the developer as it is (our error's code and message, or what to start). */
export class DevSignInError extends Error {
  override name = 'DevSignInError';
}

/** Our JSON error `{ code, message }`, as one line. */
async function refusal(res: Response, step: string): Promise<DevSignInError> {
  const text = await res.text();
  let body: { code?: string; message?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // an HTML page (the dev IdP's) or nothing: the status says enough
  }
  return new DevSignInError(`${step} answered ${res.status}${body.code ? ` ${body.code}: ${body.message}` : ''}`);
}

/** Follows redirects (at most 10) until one leads to `target`; answers that location, or the page reached instead. */
async function followUntil(browser: BrowserSession, start: URL, target: string): Promise<{ location?: URL; url: URL; res: Response }> {
  let url = start;
  for (let step = 0; step < 10; step++) {
    const res = await browser.get(url);
    const next = res.headers.get('location');
    if (!next) return { url, res };
    const location = new URL(next, url);
    if (location.href.startsWith(target)) return { location, url, res };
    url = location;
  }
  throw new DevSignInError(`still redirecting after 10 steps, at ${url.origin}${url.pathname}`);
}

/** The whole sign-in; answers `POST /auth/login-code`'s body: our token pair and the user. */
export async function signInThroughDevIdp(options: DevSignIn): Promise<Record<string, unknown>> {
  const { baseUrl, provider, username, returnTo } = options;
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${baseUrl}/auth/${encodeURIComponent(provider)}/authorize`);
  authorize.search = new URLSearchParams({
    return_to: returnTo,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
  }).toString();
  const browser = new BrowserSession();

  const started = await browser.get(authorize).catch((error: unknown) => {
    throw new DevSignInError(
      `no server answers at ${baseUrl} (${String((error as Error).cause ?? error)}): start it with \`npm start\`, or name it with --url`,
    );
  });
  if (started.status !== 302) throw await refusal(started, `GET /auth/${provider}/authorize`);
  const page = await followUntil(browser, new URL(started.headers.get('location')!, authorize), returnTo);
  if (page.location || page.res.status !== 200)
    throw new DevSignInError(
      `${provider}'s sign-in page did not show (HTTP ${page.res.status} at ${page.url.origin}${page.url.pathname}): is its issuer the dev IdP?`,
    );
  const html = await page.res.text();
  if (!html.includes('name="username"'))
    throw new DevSignInError(`${page.url.origin}${page.url.pathname} is not the dev IdP's sign-in form`);

  const posted = await browser.post(formAction(html, page.url), { username });
  if (posted.status !== 303) throw await refusal(posted, 'the dev IdP sign-in form');
  const back = await followUntil(browser, new URL(posted.headers.get('location')!, page.url), returnTo);
  // Our callback puts the outcome in the fragment of return_to: #login_code=… or #error=…&error_description=…
  const outcome = new URLSearchParams(back.location?.hash.slice(1) ?? '');
  if (!outcome.get('login_code')) {
    throw new DevSignInError(
      outcome.get('error')
        ? `sign-in refused: ${outcome.get('error')}: ${outcome.get('error_description')}`
        : `the sign-in did not come back to ${returnTo} (HTTP ${back.res.status} at ${back.url.origin}${back.url.pathname})`,
    );
  }
  const redeemed = await fetch(`${baseUrl}/auth/login-code`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login_code: outcome.get('login_code'), code_verifier: verifier }),
  });
  if (!redeemed.ok) throw await refusal(redeemed, 'POST /auth/login-code');
  return (await redeemed.json()) as Record<string, unknown>;
}
