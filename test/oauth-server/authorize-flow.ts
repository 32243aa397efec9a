import * as client from 'openid-client';
import { BrowserSession } from '../../src/cli/browser-session.js';

export interface Authorized {
  /** The redirect back to the client, with `code`, `state` and `iss` (or an error). */
  callback: URL;
  verifier: string;
  state: string;
  browser: BrowserSession;
  /** The consent page's text, when one was shown. */
  consentPage?: string;
}

const decode = (s: string) => s.replace(/&amp;/g, '&');

/**
 * A user in a browser, over HTTP: from the client's authorization URL (built by openid-client, PKCE S256), through
 * our sign-in page ("Continue with Dev IdP", our social login), the Dev IdP's username form, and our consent page
 * (Allow, unless `decide` says otherwise), until the redirect back to the client.
 */
export async function authorize(
  config: client.Configuration,
  options: {
    redirectUri: string;
    scope: string;
    username?: string;
    browser?: BrowserSession;
    pkce?: boolean;
    decide?: 'allow' | 'deny';
    extra?: Record<string, string>;
    /** Which instance serves each request (a load balancer's choice); the URL unchanged by default. */
    route?: (url: URL) => URL;
  },
): Promise<Authorized> {
  const browser = options.browser ?? new BrowserSession();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const parameters: Record<string, string> = { redirect_uri: options.redirectUri, scope: options.scope, state, ...options.extra };
  if (options.pkce !== false)
    Object.assign(parameters, { code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  let url = client.buildAuthorizationUrl(config, parameters);
  const route = options.route ?? ((u: URL) => u);
  let res = await browser.get(route(url));
  let consentPage: string | undefined;
  for (let step = 0; step < 20; step++) {
    const location = res.headers.get('location');
    if (location?.startsWith(options.redirectUri)) return { callback: new URL(location), verifier, state, browser, consentPage };
    if (location) {
      res = await browser.get(route((url = new URL(location, url))));
      continue;
    }
    const page = await res.text();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${page.replace(/<style>.*<\/style>/s, '').slice(0, 1500)}`);
    const devIdpLink = /href="([^"]*\/provider\/dev)"/.exec(page);
    if (devIdpLink) {
      res = await browser.get(route((url = new URL(decode(devIdpLink[1]), url))));
    } else if (page.includes('name="username"')) {
      const action = /<form method="post" action="([^"]+)"/.exec(page)![1];
      res = await browser.post(route((url = new URL(decode(action), url))), { username: options.username ?? 'ada-lovelace' });
    } else if (page.includes('wants to access your account')) {
      consentPage = page;
      const actions = [...page.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => decode(m[1]));
      const action = actions.find((a) => a.endsWith(options.decide === 'deny' ? '/abort' : '/consent'))!;
      res = await browser.post(route((url = new URL(action, url))), {});
    } else {
      throw new Error(`unexpected page at ${url}: ${page.replace(/<style>.*<\/style>/s, '').slice(0, 1500)}`);
    }
  }
  throw new Error('too many steps');
}
