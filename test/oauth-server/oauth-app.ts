import * as client from 'openid-client';
import { ApplicationsService, type ApplicationInput } from '../../src/oauth-server/applications/applications.service.js';
import { freePort } from '../support/app-process.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

export interface OAuthTestApp extends TestApp {
  /** `http://127.0.0.1:<port>`: PUBLIC_URL and the issuer (JWT_ISSUER), as a real deployment has them. */
  url: string;
  applications: ApplicationsService;
  register: (input: Partial<ApplicationInput>) => Promise<{ clientId: string; clientSecret?: string }>;
  /** openid-client's discovery of our issuer, as a client registered with `clientId` (and its secret) does it. */
  discover: (clientId: string, clientSecret?: string) => Promise<client.Configuration>;
}

/** The real app listening on 127.0.0.1, issuer = its own URL (discovery requires the two to match). */
export async function startOAuthApp(
  env: Record<string, string | undefined> = {},
  options: { port?: number; url?: string; keepDatabase?: boolean } = {},
): Promise<OAuthTestApp> {
  const port = options.port ?? (await freePort());
  const url = options.url ?? `http://127.0.0.1:${port}`;
  // The dev IdP is the social provider users sign in with at our authorization server's login page.
  const t = await createTestApp(
    { PUBLIC_URL: url, JWT_ISSUER: url, DEV_IDP_ENABLED: 'true', ...env },
    { keepDatabase: options.keepDatabase },
  );
  await t.app.listen(port, '127.0.0.1');
  const applications = t.app.get(ApplicationsService, { strict: false });
  return {
    ...t,
    url,
    applications,
    register: async (input) => {
      const made = await applications.create({
        name: 'Example App',
        type: 'confidential',
        redirectUris: ['https://app.example.test/callback'],
        ...input,
      });
      return { clientId: made.application.clientId, clientSecret: made.clientSecret };
    },
    discover: async (clientId, clientSecret) => {
      const auth = clientSecret ? client.ClientSecretBasic(clientSecret) : client.None();
      return client.discovery(new URL(url), clientId, undefined, auth, { execute: [client.allowInsecureRequests] });
    },
  };
}
