import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ERROR_STATUS } from '../../src/common/errors/error-codes.js';
import { BEARER_SCHEME, DOCS_JSON_PATH, DOCS_PATH } from '../../src/common/openapi/openapi.setup.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle } from '../support/google-login.js';
import { allRefs, effectiveSecurity, jsonSchema, operations, type OpenApiDocument } from '../support/openapi-document.js';
import { discoverRoutes, toOpenApiPath, type Route } from '../support/routes.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const ERROR_BODY = '#/components/schemas/ErrorBody';

/** Every provider on, so the document is checked as a deployment with all of them sees it. */
async function appWithEveryProvider(): Promise<{ t: TestApp; google?: FakeGoogle }> {
  return createAppWithGoogle({
    FACEBOOK_CLIENT_IDS: 'fb-app',
    FACEBOOK_CLIENT_SECRETS: 'fb-secret',
    FACEBOOK_GRAPH_URL: 'http://127.0.0.1:9/facebook',
    GITHUB_CLIENT_IDS: 'gh-app',
    GITHUB_CLIENT_SECRETS: 'gh-secret',
    GITHUB_API_URL: 'http://127.0.0.1:9/github',
  });
}

describe.each([
  ['the default app', async (): Promise<{ t: TestApp; google?: FakeGoogle }> => ({ t: await createTestApp() })],
  ['an app with Google, Facebook and GitHub', appWithEveryProvider],
])('OpenAPI document of %s', (_name, start) => {
  let t: TestApp;
  let google: FakeGoogle | undefined;
  let doc: OpenApiDocument;
  let routes: Route[];

  beforeAll(async () => {
    ({ t, google } = await start());
    routes = discoverRoutes(t);
    const res = await t.http().get(DOCS_JSON_PATH);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = JSON.parse(res.text) as OpenApiDocument;
  });
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  const operationOf = (route: Route) => doc.paths[toOpenApiPath(route.path)]?.[route.method.toLowerCase()];

  it('should be an OpenAPI 3 document whose every $ref resolves', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toEqual(expect.objectContaining({ title: 'nest-social-auth', version: expect.any(String) }));
    expect(operations(doc).length).toBeGreaterThanOrEqual(10);
    for (const ref of allRefs(doc))
      expect({ ref, resolves: ref.replace('#/components/schemas/', '') in doc.components.schemas }).toEqual({ ref, resolves: true });
    const ids = operations(doc).map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('should document every route of the app with its method, and nothing else', () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const documented = operations(doc)
      .map(({ key }) => key)
      .sort();
    expect(documented).toEqual(routes.map((r) => `${r.method} ${toOpenApiPath(r.path)}`).sort());
  });

  it('should describe each request body with its DTO schema', () => {
    for (const route of routes.filter((r) => r.body)) {
      const schema = jsonSchema(operationOf(route)?.requestBody);
      expect({ route: route.path, schema: schema?.$ref }).toEqual({
        route: route.path,
        schema: `#/components/schemas/${route.body!.name}`,
      });
      expect(Object.keys(doc.components.schemas[route.body!.name]?.properties ?? {}).length).toBeGreaterThan(0);
    }
  });

  it('should describe each success response: a schema with properties, 204 with no body, or a browser redirect (302)', () => {
    for (const { key, op } of operations(doc)) {
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$|^302$/.test(status));
      expect({ key, successes: success.length }).toEqual({ key, successes: 1 });
      const [status, response] = success[0];
      const schema = jsonSchema(response);
      const ref = schema?.$ref ?? schema?.items?.$ref;
      if (status === '204' || status === '302') expect({ key, schema }).toEqual({ key, schema: undefined });
      else
        expect({ key, props: Object.keys(doc.components.schemas[ref?.split('/').pop() ?? '']?.properties ?? {}).length > 0 }).toEqual({
          key,
          props: true,
        });
    }
  });

  it('should give every operation its error responses, each an ErrorBody', () => {
    for (const { key, op } of operations(doc)) {
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      expect({ key, errors: errors.length > 0 }).toEqual({ key, errors: true });
      for (const [status, response] of errors)
        expect({ key, status, schema: jsonSchema(response)?.$ref }).toEqual({ key, status, schema: ERROR_BODY });
    }
  });

  it('should list every error code in ErrorBody', () => {
    expect(allRefs(doc.components.schemas.ErrorBody?.properties?.code)).toEqual(['#/components/schemas/ErrorCode']);
    expect(doc.components.schemas.ErrorCode?.enum).toEqual(Object.keys(ERROR_STATUS));
  });

  it('should require a bearer token on guarded operations and none on public ones', () => {
    expect(doc.components.securitySchemes[BEARER_SCHEME]).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const route of routes) {
      const security = effectiveSecurity(doc, operationOf(route));
      const needsNothing = security.some((requirement) => Object.keys(requirement).length === 0);
      const needsBearer = security.length > 0 && security.every((requirement) => BEARER_SCHEME in requirement);
      expect({ route: `${route.method} ${route.path}`, needsNothing, needsBearer }).toEqual({
        route: `${route.method} ${route.path}`,
        needsNothing: route.isPublic,
        needsBearer: !route.isPublic,
      });
    }
  });

  it('should serve Swagger UI and its assets without a token', async () => {
    const page = await t.http().get(DOCS_PATH);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    for (const asset of ['swagger-ui-init.js', 'swagger-ui-bundle.js', 'swagger-ui.css']) {
      expect({ asset, status: (await t.http().get(`${DOCS_PATH}/${asset}`)).status }).toEqual({ asset, status: 200 });
    }
  });
});

describe('OpenAPI disabled', () => {
  let t: TestApp;

  beforeAll(async () => (t = await createTestApp({ OPENAPI_ENABLED: 'false' })));
  afterAll(async () => t?.close());

  it('should answer 404 on /docs and /docs-json', async () => {
    for (const path of [DOCS_PATH, DOCS_JSON_PATH, `${DOCS_PATH}/swagger-ui-init.js`]) {
      const res = await t.http().get(path);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 404, code: 'not_found' });
    }
  });
});
