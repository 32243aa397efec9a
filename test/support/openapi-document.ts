/** The parts of an OpenAPI 3 document the openapi suite reads. */
export interface SchemaRef {
  $ref?: string;
  type?: string;
  items?: SchemaRef;
}
export interface ResponseObject {
  description: string;
  content?: Record<string, { schema?: SchemaRef }>;
}
export interface Operation {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, { schema?: SchemaRef }> };
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { enum?: string[]; properties?: Record<string, unknown> }>;
    securitySchemes: Record<string, { type: string; scheme?: string }>;
  };
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function operations(doc: OpenApiDocument): Array<{ key: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );
}

export const jsonSchema = (r: { content?: Record<string, { schema?: SchemaRef }> } | undefined): SchemaRef | undefined =>
  r?.content?.['application/json']?.schema;

/** Every `$ref` anywhere in the document, so the suite can check that each one resolves. */
export function allRefs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(allRefs);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => (key === '$ref' && typeof value === 'string' ? [value] : allRefs(value)));
}

/** OpenAPI: an operation's own `security` replaces the document's; an empty requirement `{}` means no credentials. */
export const effectiveSecurity = (doc: OpenApiDocument, op: Operation) => op.security ?? doc.security ?? [];
