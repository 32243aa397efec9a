import { freePort } from './app-process.js';
import { createTestApp, type TestApp } from './test-app.js';

/**
 * The test app listening on 127.0.0.1 with PUBLIC_URL set to its address: browser flows need a real URL, since the
 * provider (fake or real) sends the browser back to our callback and the redirect_uri must match it exactly.
 */
export async function createListeningApp(
  env: Record<string, string | undefined> = {},
  options: Parameters<typeof createTestApp>[1] = {},
): Promise<{ t: TestApp; baseUrl: string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ PUBLIC_URL: baseUrl, ...env }, options);
  await t.app.listen(port, '127.0.0.1');
  return { t, baseUrl };
}
