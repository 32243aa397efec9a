/**
 * Jest transform for ESM-only packages that CommonJS dependencies require() (listed in jest.config.js):
 * content-disposition 3, required by @fastify/static, which serves Swagger UI's assets under /docs; cookie 2, required by
 * light-my-request (Fastify's `inject`).
 * Jest on Node < 24.9 cannot require() an ES module; plain Node >= 20.19 can, so the built app is unaffected.
 * Such a package is plain ES (no TypeScript, no top-level await), so TypeScript's transpiler only rewrites its
 * import/export into require/exports. Unneeded once the tests run on Node >= 24.9.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const SELF = readFileSync(new URL(import.meta.url), 'utf8');
const COMPILER_OPTIONS = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, sourceMap: false };

export default {
  process(source, path) {
    return { code: ts.transpileModule(source, { compilerOptions: COMPILER_OPTIONS, fileName: path }).outputText };
  },
  getCacheKey(source, path) {
    return createHash('sha256').update(SELF).update(ts.version).update(path).update(source).digest('hex');
  },
};
