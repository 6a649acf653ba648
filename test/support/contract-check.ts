import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { openApiDocument } from '../../functions/http/openapi.ts';

/*
 * The contract test: every response the API tests see (test/support/api.ts `call`) is checked
 * against the OpenAPI document, the same one GET /openapi.json serves. A status the operation
 * does not declare, a media type it does not declare, or a body its schema does not describe
 * (response schemas are strict: an extra field fails) fails the test that made the request,
 * naming the operation and what was wrong. Requests to paths or methods the document does not
 * have (the gateway's own 404s) are not checked.
 */

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module namespace.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface MediaType {
  schema?: unknown;
}
interface ResponseObject {
  $ref?: string;
  headers?: Record<string, { $ref?: string; required?: boolean }>;
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId: string;
  responses: Record<string, ResponseObject>;
}

type Document = ReturnType<typeof openApiDocument>;

let loaded: { doc: Document; ajv: Ajv2020; matchers: Array<{ template: string; pattern: RegExp }> } | undefined;
const validators = new Map<string, ValidateFunction>();

function load() {
  if (loaded) return loaded;
  const doc = openApiDocument();
  // The whole document is one schema resource, so `#/components/schemas/X` resolves inside it.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(doc as object, 'openapi');
  const matchers = Object.keys(doc.paths).map((template) => ({ template, pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`) }));
  loaded = { doc, ajv, matchers };
  return loaded;
}

const pointer = (...parts: string[]) => parts.map((p) => `/${p.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

function validatorAt(path: string): ValidateFunction {
  let validate = validators.get(path);
  if (!validate) {
    const found = load().ajv.getSchema(`openapi#${path}`);
    if (!found) throw new Error(`contract: no schema at ${path}`);
    validate = found;
    validators.set(path, validate);
  }
  return validate;
}

export interface SeenResponse {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  /** The raw body text. */
  text: string;
}

/**
 * The ways a response departs from the document (empty: it conforms; undefined: the document has
 * no such operation, so nothing was checked).
 */
export function contractViolations(res: SeenResponse): string[] | undefined {
  const { doc, matchers } = load();
  const pathOnly = res.path.split('?')[0] ?? '';
  const match = matchers.find((m) => m.pattern.test(pathOnly));
  if (!match) return undefined;
  const operations = doc.paths[match.template] as Record<string, Operation | undefined>;
  const operation = operations[res.method.toLowerCase()];
  if (!operation) return undefined;
  const where = `${operation.operationId} (${res.method} ${match.template}) -> ${res.status}`;
  let response = operation.responses[String(res.status)];
  let responsePath = pointer('paths', match.template, res.method.toLowerCase(), 'responses', String(res.status));
  if (!response) return [`${where}: status ${res.status} is not in the document`];
  if (response.$ref) {
    const name = response.$ref.replace('#/components/responses/', '');
    responsePath = pointer('components', 'responses', name);
    response = (doc.components.responses as Record<string, ResponseObject>)[name] ?? {};
  }
  const problems: string[] = [];
  if (response.headers?.['Cache-Control'] && res.headers.get('cache-control') !== 'no-store')
    problems.push(`${where}: Cache-Control is ${res.headers.get('cache-control')}, not no-store`);
  const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!response.content) {
    if (res.text.length > 0) problems.push(`${where}: the document says no body, got ${mediaType || 'a body'}`);
    return problems;
  }
  const declared = response.content[mediaType];
  if (!declared) return [...problems, `${where}: media type "${mediaType}" is not one of ${Object.keys(response.content).join(', ')}`];
  if (mediaType === 'application/problem+json' && res.status === 503 && response.headers?.['Retry-After'] && !res.headers.get('retry-after')) {
    problems.push(`${where}: a 503 problem without Retry-After`);
  }
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return [...problems, `${where}: the body is not JSON`];
  }
  const validate = validatorAt(`${responsePath}${pointer('content', mediaType, 'schema')}`);
  if (!validate(body)) {
    for (const e of validate.errors ?? [])
      problems.push(`${where}: body${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  }
  return problems;
}

/** Throws (failing the test that made the request) when a response departs from the document. */
export function assertConforms(res: SeenResponse): void {
  const problems = contractViolations(res);
  if (problems && problems.length > 0) {
    throw new Error(`The response departs from the OpenAPI document (functions/http/openapi.ts, the route's \`response\` schema):\n  ${problems.join('\n  ')}`);
  }
}
