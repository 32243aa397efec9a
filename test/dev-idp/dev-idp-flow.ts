import { createHash, randomBytes } from 'node:crypto';
import { BrowserSession, formAction } from '../../src/cli/browser-session.js';

export { formAction };

/** What a relying party of the dev IdP keeps between sending the browser there and redeeming the code. */
export interface AuthorizationAttempt {
  browser: BrowserSession;
  verifier: string;
  state: string;
  redirectUri: string;
}

/** oidc-provider's self-submitting form (form_post; the logout when another account signs in): its action and hidden fields. */
async function autoSubmitted(res: Response): Promise<{ action: string; fields: Record<string, string> } | undefined> {
  const page = res.status === 200 ? await res.clone().text() : '';
  if (!page.includes('<title>Submitting Callback</title>')) return undefined;
  const fields = Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]));
  return { action: /<form method="post" action="([^"]+)"/.exec(page)![1], fields };
}

/**
 * Where the dev IdP leads, followed as a browser does (redirects, and self-submitting forms as its script would),
 * until a page answers or it returns to `redirectUri`.
 */
export async function follow(browser: BrowserSession, start: URL, redirectUri: string): Promise<{ url: URL; res: Response }> {
  let [url, res] = [start, await browser.get(start)];
  // Bounded: a redirect loop is a bug.
  for (let step = 0; !res.headers.get('location')?.startsWith(redirectUri); step++) {
    if (step > 10) throw new Error(`still redirecting after ${step} steps; last at ${url}`);
    const form = await autoSubmitted(res);
    if (form) res = await browser.post((url = new URL(form.action, url)), form.fields);
    else if (res.headers.get('location')) res = await browser.get((url = new URL(res.headers.get('location')!, url)));
    else break;
  }
  return { url, res };
}

/** RFC 6749 4.1.1 with PKCE (RFC 7636); `withoutPkce` leaves the challenge out. Answers the login page's request. */
export async function startAuthorization(
  issuer: string,
  clientId: string,
  redirectUri: string,
  options: { browser?: BrowserSession; withoutPkce?: boolean; nonce?: string } = {},
) {
  const attempt: AuthorizationAttempt = {
    browser: options.browser ?? new BrowserSession(),
    verifier: randomBytes(32).toString('base64url'),
    state: randomBytes(8).toString('hex'),
    redirectUri,
  };
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid email profile',
    state: attempt.state,
    nonce: options.nonce ?? 'n-0S6_WzA2Mj',
    ...(options.withoutPkce
      ? {}
      : { code_challenge: createHash('sha256').update(attempt.verifier).digest('base64url'), code_challenge_method: 'S256' }),
  }).toString();
  return { attempt, ...(await follow(attempt.browser, authorize, redirectUri)) };
}

/** Submits a username on the login page and follows the IdP back to the redirect URI: that last `Location`'s parameters. */
export async function submitLogin(
  attempt: AuthorizationAttempt,
  page: { url: URL; res: Response },
  username: string,
): Promise<URLSearchParams> {
  const posted = await attempt.browser.post(formAction(await page.res.text(), page.url), { username });
  if (posted.status !== 303) throw new Error(`login form answered ${posted.status}: ${(await posted.text()).slice(0, 300)}`);
  const back = await follow(attempt.browser, new URL(posted.headers.get('location')!, page.url), attempt.redirectUri);
  const location = back.res.headers.get('location');
  if (!location)
    throw new Error(
      `no way back to ${attempt.redirectUri} from ${back.url} (HTTP ${back.res.status}): ${(await back.res.text()).slice(0, 600)}`,
    );
  return new URL(location).searchParams;
}
