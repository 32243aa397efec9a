/**
 * Jest transform for @nestjs/throttler only. Jest on Node < 24.9 cannot require() an ES module, and throttler 6
 * is CommonJS that requires the ESM-only @nestjs/common and @nestjs/core (plain Node >= 20.19 can, so the built
 * app is unaffected). This points those requires at the instances the test run already imported
 * (nest-esm-bridge.setup.ts): the throttler then shares Nest's classes and metadata with the app, as in production.
 * Unneeded once the tests run on Node >= 24.9, where Jest supports require(esm) itself.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

// The same key as in nest-esm-bridge.setup.ts.
const BRIDGE_KEY = 'nest-social-auth.jest.nest-esm-bridge';
const BRIDGE = `(globalThis[Symbol.for(${JSON.stringify(BRIDGE_KEY)})] ?? (() => { throw new Error('test/support/jest/nest-esm-bridge.setup.ts did not run (setupFiles)'); })())`;
const SELF = readFileSync(new URL(import.meta.url), 'utf8');

export default {
  process(source) {
    return { code: source.replace(/require\("(@nestjs\/(?:common|core))"\)/g, (_match, name) => `${BRIDGE}[${JSON.stringify(name)}]`) };
  },
  getCacheKey(source, path) {
    return createHash('sha256').update(SELF).update(path).update(source).digest('hex');
  },
};
