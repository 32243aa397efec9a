/**
 * The little a browser does that an authorization-code flow needs: keep cookies between requests (one host,
 * so domain and path are ignored) and let the caller follow redirects one by one. `npm run dev:login` signs in
 * with it, and the tests drive the browser flows with it.
 */
export class BrowserSession {
  private readonly cookies = new Map<string, string>();

  /** The `Cookie` header this browser would send now. */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(url: string | URL): Promise<Response> {
    return this.send(url, { method: 'GET' });
  }

  /** Submits an HTML form (application/x-www-form-urlencoded), as a browser does. */
  post(url: string | URL, form: Record<string, string>): Promise<Response> {
    return this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  private async send(url: string | URL, init: RequestInit): Promise<Response> {
    const cookie = this.cookieHeader();
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie } });
    for (const header of res.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      // An emptied cookie (value "" with a past expiry) is how a server deletes it.
      if (value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

/** The first form's action on an HTML page, resolved against the page's URL. */
export function formAction(page: string, pageUrl: URL): URL {
  const action = /<form[^>]* action="([^"]+)"/.exec(page)?.[1];
  if (!action) throw new Error(`no form on the page: ${page.slice(0, 300)}`);
  return new URL(action.replace(/&amp;/g, '&'), pageUrl);
}
