import { freePort } from '../support/app-process.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

export interface ListeningApp extends TestApp {
  /** `http://127.0.0.1:<port>`, also the app's PUBLIC_URL. */
  url: string;
  /** The dev IdP's issuer: `${url}/dev-idp`. */
  issuer: string;
}

/**
 * The real app listening on 127.0.0.1 with PUBLIC_URL set to where it listens, the dev IdP and the demo on:
 * the dev IdP's URLs, and our calls to it, must reach this very process.
 */
export async function startAppWithDevIdp(
  env: Record<string, string | undefined> | ((url: string) => Record<string, string | undefined>) = {},
  options: Parameters<typeof createTestApp>[1] = {},
): Promise<ListeningApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // A function of the URL for settings that name it (a provider whose issuer is this dev IdP).
  const settings = typeof env === 'function' ? env(url) : env;
  const t = await createTestApp({ PUBLIC_URL: url, DEV_IDP_ENABLED: 'true', DEMO_ENABLED: 'true', ...settings }, options);
  await t.app.listen(port, '127.0.0.1');
  return { ...t, url, issuer: `${url}/dev-idp` };
}
