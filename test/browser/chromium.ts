import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: this machine has it, and .ci/run installs it. playwright-core downloads no browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless Chromium for the browser suites. Missing Chromium fails the suite, loudly: a skipped browser test
 * would look green in CI. The background-networking flags keep Chromium from calling Google's services, which
 * on a closed network only time out.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the browser tests need it (apt-get install -y chromium; .ci/run does this)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
