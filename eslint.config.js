// Lint of src/, test/ and bench/: typescript-eslint with type information (projectService: the tsconfig.json that
// holds each file), import-x for import order, cycles and the layer rule, and eslint-config-prettier last so that no
// rule argues with Prettier about layout. Why each rule is on or off: docs/decisions/0037-linter-and-formatter.md;
// the layers: docs/decisions/0038-layers.md and docs/architecture.md ("Layers").
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, lowest first. A file may import from its own layer and the ones below, never from above.
 * `users/social-accounts/` (linking another account) runs auth's provider guard and link tokens, so it sits with the flows.
 */
const LAYERS = [
  { name: 'config', dirs: ['config'] },
  { name: 'common', dirs: ['common'] },
  { name: 'infrastructure', dirs: ['database', 'redis', 'metrics', 'one-time', 'dev-idp'] },
  { name: 'domain', dirs: ['providers', 'users', 'audit', 'rate-limit'] },
  { name: 'flows', dirs: ['auth', 'oauth-server', 'users/social-accounts'] },
  { name: 'app', dirs: ['app.module.ts', 'app.setup.ts', 'main.ts', 'entities.ts', 'startup-urls.ts', 'cli', 'demo', 'bench-routes', 'health'] },
];
const path = (dir) => `./src/${dir}`;
/** The files of `dirs`, less any folder nested in them that belongs to another layer (users/social-accounts in users/). */
const filesOf = (dirs, others) =>
  dirs.flatMap((dir) => {
    const nested = others.filter((other) => other.startsWith(`${dir}/`)).map((other) => other.slice(dir.length + 1));
    return nested.length ? [`./src/${dir}/*.ts`, `./src/${dir}/!(${nested.join('|')})/**`] : [path(dir)];
  });
const layerZones = LAYERS.slice(0, -1).map((layer, i) => {
  const above = LAYERS.slice(i + 1).flatMap((l) => l.dirs);
  return {
    target: filesOf(layer.dirs, above),
    from: above.map(path),
    message: `${layer.name} is below ${LAYERS.slice(i + 1).map((l) => l.name).join(', ')}: it imports nothing from them (docs/architecture.md, "Layers").`,
  };
});

export default defineConfig(
  { ignores: ['dist/', 'dist-bench/', 'coverage/', 'profiles/', 'test-artifacts/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  importX.flatConfigs.recommended,
  importX.flatConfigs.typescript,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    settings: {
      // Relative imports name the compiled `.js` file (ESM): resolve them to the `.ts` beside it.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json', '.node'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allow: [{ from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] }, { from: 'package', package: 'url', name: ['URL', 'URLSearchParams'] }] }],
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      'no-control-regex': 'off',
      'import-x/no-cycle': 'error',
      'import-x/order': ['error', { groups: ['builtin', 'external', ['internal', 'parent', 'sibling', 'index']], 'newlines-between': 'never', alphabetize: { order: 'asc' } }],
      'import-x/no-restricted-paths': ['error', { zones: [...layerZones, { target: './src', from: ['./test', './bench'], message: 'Only specs (*.spec.ts) may use test/ and bench/.' }] }],
      'import-x/no-unresolved': 'off',
      'import-x/no-named-as-default-member': 'off',
    },
  },
  {
    // Specs and e2e suites: bodies of HTTP answers are `any` (supertest), and a test hands methods over as values.
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  { files: ['src/**/*.spec.ts'], rules: { 'import-x/no-restricted-paths': 'off' } },
  {
    // The few plain JavaScript files (Jest transforms, the production-install script): no type information.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
  },
  prettier,
);
