// Jest runs in native ESM mode (NestJS 12 ships ESM only): `node --experimental-vm-modules`.
// ts-jest transpiles each file on its own (isolatedModules); `npm run typecheck` type-checks the whole tree.
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', isolatedModules: true }],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform,
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
      testTimeout: 30000,
    },
  ],
};
