// Jest runs in native ESM mode (NestJS 12 ships ESM only): `node --experimental-vm-modules`.
// ts-jest transpiles each file on its own (tsconfig.json's isolatedModules); `npm run typecheck` type-checks the whole tree.
// Jest can require() an ES module from Node 24.9 on (it then loads content-disposition as ESM itself); before that, a
// transform rewrites it to CommonJS. Applying the transform on 24.9+ breaks it ("exports is not defined").
const [major, minor] = process.versions.node.split('.').map(Number);
const jestRequiresEsm = major > 24 || (major === 24 && minor >= 9);
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  // @nestjs/throttler is CommonJS requiring ESM-only Nest; see test/support/jest/nest-esm-bridge.transform.js.
  '/node_modules/@nestjs/throttler/.+\\.js$': '<rootDir>/test/support/jest/nest-esm-bridge.transform.js',
  // ESM-only, required by CommonJS @fastify/static (Swagger UI assets); see test/support/jest/esm-to-cjs.transform.js.
  // Likewise cookie 2, required by light-my-request (Fastify's inject, which the fuzz test sends requests with).
  ...(jestRequiresEsm ? {} : {
    '/node_modules/content-disposition/.+\\.js$': '<rootDir>/test/support/jest/esm-to-cjs.transform.js',
    '/node_modules/cookie/.+\\.js$': '<rootDir>/test/support/jest/esm-to-cjs.transform.js',
  }),
};
const common = {
  // Inside node_modules, so `npm ci` (CI, a fresh clone) starts with an empty cache: a shared /tmp cache kept a
  // transform made under another Jest configuration and failed suites with "exports is not defined".
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform,
  transformIgnorePatterns: [jestRequiresEsm ? '/node_modules/(?!@nestjs/throttler/)' : '/node_modules/(?!@nestjs/throttler/|content-disposition/|cookie/)'],
  setupFiles: ['<rootDir>/test/support/jest/nest-esm-bridge.setup.ts', '<rootDir>/test/support/jest/silent-nest-logger.setup.ts'],
  testEnvironment: 'node',
  // dist/ and dist-bench/ hold compiled copies of the sources; never pick up their modules.
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/dist-bench'],
};
// Specs in test/production/ need the production parts for real (PostgreSQL and Redis); CI's second pass sets both.
const productionParts = Boolean((process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL) && (process.env.TEST_REDIS_URL ?? process.env.REDIS_URL));

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: productionParts ? ['/node_modules/'] : ['/node_modules/', '<rootDir>/test/production/'],
    },
  ],
  // Global on purpose: Jest 30 ignores testTimeout inside a project. Slow e2e cases (provider timeouts, real
  // processes) need more than the 5 s default on a loaded 2-core machine.
  testTimeout: 30000,
  // The npm scripts run one worker (--maxWorkers=1: one test file at a time, as the shared PostgreSQL database of the
  // e2e pass needs) rather than --runInBand, so that this applies: every test file evaluates its own ESM module
  // graph (Nest, TypeORM, oidc-provider) in a new VM context, and a single process kept them all, growing past 3 GiB.
  // A worker above this after a test file is replaced by a fresh one. docs/decisions/0031-quiet-light-test-run.md
  workerIdleMemoryLimit: '1GB',
};
