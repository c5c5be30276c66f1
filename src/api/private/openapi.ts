import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { described, Validation } from '../../private/validation';
import { RouteAuthorization } from '../traced-api-route';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The HTTP methods an OpenAPI path item can hold, as API Gateway names them. */
export const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const GATEWAY_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch']);
const PATH_SEGMENT = /^([A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_.-]*\})$/;

/** One operation of a contract: where it is, and its parameters and security with path-level ones merged in. */
export interface ContractOperationSpec {
  readonly operationId?: string;
  /** Upper case, as API Gateway takes it. */
  readonly method: string;
  readonly path: string;
  /** Where it is in the document, e.g. `paths['/passes'].post`. */
  readonly at: string;
  readonly operation: any;
  readonly parameters: any[];
  /** The operation's security, or the document's when it sets none. */
  readonly security?: any[];
}

/** `paths['/passes'].post`: how a place in the document is named in errors. */
export function pointer(path: string, method?: string): string {
  return `paths['${path}']${method ? `.${method}` : ''}`;
}

/** Follows local `$ref`s (`#/components/...`) to the object they name; undefined for one that names nothing. */
export function deref(doc: any, value: any, seen: string[] = []): any {
  let current = value;
  const chain = [...seen];
  while (current && typeof current === 'object' && typeof current.$ref === 'string') {
    const ref: string = current.$ref;
    if (chain.includes(ref)) return undefined;
    chain.push(ref);
    current = refTarget(doc, ref);
  }
  return current;
}

/** The object a local `$ref` names (JSON pointer), or undefined. */
export function refTarget(doc: any, ref: string): any {
  if (!ref.startsWith('#/')) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Every operation of the document (paths in document order, methods in OpenAPI's order); records problems of the document's shape. */
export function contractOperations(doc: any, v: Validation, where = 'document'): ContractOperationSpec[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    v.fail(where, described(Array.isArray(doc) ? 'a list' : String(doc)), 'an OpenAPI 3 document (an object with openapi and paths)');
    return [];
  }
  if (typeof doc.openapi !== 'string' || !/^3\.[01]\.\d+$/.test(doc.openapi)) {
    v.fail(`${where}.openapi`, doc.openapi ?? (doc.swagger ? described(`not set (swagger ${doc.swagger})`) : undefined),
      "an OpenAPI 3.0 or 3.1 version such as '3.0.3' or '3.1.0' (convert a Swagger 2.0 document first)");
  }
  const paths = doc.paths;
  if (paths === null || typeof paths !== 'object' || Object.keys(paths).length === 0) {
    v.fail(`${where}.paths`, paths, 'at least one path with an operation');
    return [];
  }
  const operations: ContractOperationSpec[] = [];
  for (const [path, rawItem] of Object.entries<any>(paths)) {
    const item = deref(doc, rawItem);
    const segments = path === '/' ? [] : path.slice(1).split('/');
    if (!path.startsWith('/') || segments.some((s) => !PATH_SEGMENT.test(s))) {
      v.fail(`${where}.${pointer(path)}`, path, "a path starting with '/' whose segments are A-Z a-z 0-9 . _ ~ - or a whole {param}, no empty segment or trailing '/'");
      continue;
    }
    if (!item || typeof item !== 'object') continue;
    const pathParameters: any[] = (item.parameters ?? []).map((p: any) => deref(doc, p));
    for (const method of OPENAPI_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const at = pointer(path, method);
      if (!GATEWAY_METHODS.has(method)) {
        v.fail(`${where}.${at}`, described(`a ${method.toUpperCase()} operation`), 'the methods API Gateway serves: GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH');
        continue;
      }
      const own: any[] = (operation.parameters ?? []).map((p: any) => deref(doc, p));
      const parameters = [...pathParameters.filter((p) => !own.some((o) => o?.name === p?.name && o?.in === p?.in)), ...own].filter((p) => p);
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        at,
        operation,
        parameters,
        security: operation.security ?? doc.security,
      });
    }
  }
  if (operations.length === 0 && v.problems.length === 0) v.fail(`${where}.paths`, described('no operation'), 'at least one path with an operation');
  return operations;
}

/** The route key of an operation, as `TracedApi` names routes: `METHOD /path`. */
export function operationKey(op: { method: string; path: string }): string {
  return `${op.method} ${op.path}`;
}

/** The parameters of a method request: `method.request.<where>.<name>` → required. */
export function requestParameters(op: ContractOperationSpec): { [name: string]: boolean } {
  const where: { [k: string]: string } = { path: 'path', query: 'querystring', header: 'header' };
  const out: { [name: string]: boolean } = {};
  for (const p of op.parameters) {
    const location = where[p.in];
    if (!location || typeof p.name !== 'string') continue;
    out[`method.request.${location}.${p.name}`] = p.in === 'path' ? true : p.required === true;
  }
  // A path parameter the contract forgot to declare is still part of the path.
  for (const m of op.path.matchAll(/\{([^}]+)\}/g)) out[`method.request.path.${m[1]}`] = true;
  return out;
}

/** The JSON media type of a content map (`application/json`, or one ending `+json`), if any. */
export function jsonMediaType(content: any): string | undefined {
  if (!content || typeof content !== 'object') return undefined;
  const types = Object.keys(content);
  return types.find((t) => t.toLowerCase().split(';')[0].trim() === 'application/json') ?? types.find((t) => /\+json(;|$)/i.test(t));
}

const TYPES: { [name: string]: apigateway.JsonSchemaType } = {
  null: apigateway.JsonSchemaType.NULL,
  boolean: apigateway.JsonSchemaType.BOOLEAN,
  object: apigateway.JsonSchemaType.OBJECT,
  array: apigateway.JsonSchemaType.ARRAY,
  number: apigateway.JsonSchemaType.NUMBER,
  integer: apigateway.JsonSchemaType.INTEGER,
  string: apigateway.JsonSchemaType.STRING,
};
/** Keywords copied as they are (draft 4 and OpenAPI agree on them). */
const COPIED: { [keyword: string]: keyof apigateway.JsonSchema } = {
  title: 'title',
  description: 'description',
  format: 'format',
  pattern: 'pattern',
  default: 'default',
  minLength: 'minLength',
  maxLength: 'maxLength',
  minimum: 'minimum',
  maximum: 'maximum',
  multipleOf: 'multipleOf',
  minItems: 'minItems',
  maxItems: 'maxItems',
  uniqueItems: 'uniqueItems',
  minProperties: 'minProperties',
  maxProperties: 'maxProperties',
};
/** Keywords that only describe (documentation, code generation): not part of validation, left out. */
const ANNOTATIONS = new Set(['example', 'examples', 'readOnly', 'writeOnly', 'deprecated', 'xml', 'externalDocs', 'discriminator', '$comment', '$schema', '$id', 'contentMediaType', 'contentEncoding']);
/** What API Gateway's validator (JSON Schema draft 4) can check, as the refusals name it. */
const CONVERTIBLE = 'JSON Schema draft 4 keywords (type, properties, required, additionalProperties, patternProperties, items, enum, const, '
  + 'allOf/anyOf/oneOf/not, formats, lengths, bounds, patterns, nullable, local $ref without cycles); API Gateway validates draft 4 only';

/**
 * An OpenAPI (3.0 or 3.1) schema as API Gateway's draft 4 model schema: local `$ref`s inlined,
 * `nullable` and 3.1 type lists as type lists, numeric exclusive bounds as draft 4 booleans,
 * `const` as a one-value enum, annotations left out; in a request, `readOnly` properties are not
 * required. Records each keyword it cannot convert under `at`.
 */
export function toModelSchema(doc: any, schema: any, at: string, v: Validation, request: boolean, refs: string[] = []): apigateway.JsonSchema {
  if (schema === true || schema === undefined) return {};
  if (schema === false) return { not: {} };
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    v.fail(at, schema, 'a schema object');
    return {};
  }
  if (typeof schema.$ref === 'string') {
    const ref: string = schema.$ref;
    const target = refTarget(doc, ref);
    if (refs.includes(ref)) {
      v.fail(`${at}.$ref`, ref, `${CONVERTIBLE}: a model is inlined, so it cannot refer to itself`, `is recursive (${[...refs, ref].join(' -> ')})`);
      return {};
    }
    if (target === undefined) {
      v.fail(`${at}.$ref`, ref, "a local reference to a schema of the document, such as '#/components/schemas/Pass'", 'names nothing in the document');
      return {};
    }
    return toModelSchema(doc, target, `${at}.$ref`, v, request, [...refs, ref]);
  }
  const out: { [k: string]: any } = {};
  const nested = (key: string, value: any) => toModelSchema(doc, value, `${at}.${key}`, v, request, refs);
  const types: string[] = schema.type === undefined ? [] : Array.isArray(schema.type) ? [...schema.type] : [schema.type];
  if (schema.nullable === true && types.length > 0 && !types.includes('null')) types.push('null');
  for (const [key, value] of Object.entries<any>(schema)) {
    if (key.startsWith('x-') || ANNOTATIONS.has(key) || key === 'nullable' || key === 'type') continue;
    if (key in COPIED) {
      out[COPIED[key]] = value;
    } else if (key === 'required') {
      const readOnly = request
        ? Object.entries<any>(schema.properties ?? {}).filter(([, p]) => deref(doc, p)?.readOnly === true).map(([n]) => n)
        : [];
      const required = (value as string[]).filter((n) => !readOnly.includes(n));
      if (required.length > 0) out.required = required;
    } else if (key === 'enum') {
      out.enum = schema.nullable === true && !value.includes(null) ? [...value, null] : value;
    } else if (key === 'const') {
      out.enum = [value];
    } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      if (typeof value === 'boolean') {
        out[key] = value;
      } else {
        out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
        out[key] = true;
      }
    } else if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries<any>(value ?? {}).map(([name, s]) => [name, nested(`${key}.${name}`, s)]));
    } else if (key === 'additionalProperties') {
      out.additionalProperties = typeof value === 'boolean' ? value : nested(key, value);
    } else if (key === 'items') {
      if (Array.isArray(value)) {
        v.fail(`${at}.items`, described('a list of schemas'), `${CONVERTIBLE}: items as one schema`);
      } else {
        out.items = nested(key, value);
      }
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as any[]).map((s, i) => nested(`${key}[${i}]`, s));
    } else if (key === 'not') {
      out.not = nested(key, value);
    } else {
      v.fail(`${at}.${key}`, described(`the keyword ${key}`), CONVERTIBLE);
    }
  }
  if (types.length > 0) {
    const bad = types.filter((t) => !(t in TYPES));
    if (bad.length > 0) {
      v.fail(`${at}.type`, schema.type, `types of ${Object.keys(TYPES).join(', ')}`);
    } else {
      const mapped = types.map((t) => TYPES[t]);
      out.type = mapped.length === 1 ? mapped[0] : mapped;
    }
  }
  return out as apigateway.JsonSchema;
}

/** The response a mock integration answers with: its status, and the example body of its JSON content. */
export interface MockResponse {
  readonly statusCode: string;
  readonly body?: unknown;
}

/**
 * The answer of an operation without an implementation: its first success response (else its
 * first declared), with the contract's example of the JSON body (media `example`, the first of
 * `examples`, the schema's `example`), built from the schema where the contract has none.
 */
export function mockResponse(doc: any, op: ContractOperationSpec): MockResponse {
  const responses = op.operation.responses ?? {};
  const codes = Object.keys(responses).filter((c) => /^[1-5]\d\d$/.test(c)).sort();
  const statusCode = codes.find((c) => c.startsWith('2')) ?? codes[0] ?? (responses.default ? '200' : '204');
  const response = deref(doc, responses[statusCode] ?? responses.default);
  const media = response?.content?.[jsonMediaType(response?.content) ?? ''];
  if (!media) return { statusCode };
  if (media.example !== undefined) return { statusCode, body: media.example };
  const first = Object.values<any>(media.examples ?? {})[0];
  if (first !== undefined) {
    const example = deref(doc, first);
    if (example?.value !== undefined) return { statusCode, body: example.value };
  }
  return { statusCode, body: sampleOf(doc, media.schema, [], 0) };
}

/** A value that fits a schema, from its examples, defaults and enums, else a plain value of its type. */
export function sampleOf(doc: any, schema: any, refs: string[], depth: number): unknown {
  if (schema && typeof schema.$ref === 'string') {
    if (refs.includes(schema.$ref) || depth > 8) return undefined;
    return sampleOf(doc, refTarget(doc, schema.$ref), [...refs, schema.$ref], depth + 1);
  }
  if (!schema || typeof schema !== 'object') return null;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const parts = schema.allOf ?? [];
  if (parts.length > 0) {
    const merged: { [k: string]: unknown } = {};
    for (const part of parts) Object.assign(merged, sampleOf(doc, part, refs, depth + 1));
    return merged;
  }
  const alternative = (schema.oneOf ?? schema.anyOf ?? [])[0];
  if (alternative) return sampleOf(doc, alternative, refs, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined)) {
    case 'object': {
      const out: { [k: string]: unknown } = {};
      for (const [name, s] of Object.entries<any>(schema.properties ?? {})) {
        const value = sampleOf(doc, s, refs, depth + 1);
        if (value !== undefined) out[name] = value;
      }
      return out;
    }
    case 'array': {
      const item = sampleOf(doc, schema.items, refs, depth + 1);
      return item === undefined ? [] : [item];
    }
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return true;
    case 'string':
      return STRING_SAMPLES[schema.format] ?? 'string';
    default:
      return null;
  }
}

const STRING_SAMPLES: { [format: string]: string } = {
  'date': '2026-01-01',
  'date-time': '2026-01-01T00:00:00Z',
  'email': 'user@example.com',
  'uuid': '00000000-0000-4000-8000-000000000000',
  'uri': 'https://example.com',
  'hostname': 'example.com',
  'ipv4': '192.0.2.1',
};

/** How API Gateway authorizes an operation, from its security requirement. */
export interface OperationAuthorization {
  readonly authorization: RouteAuthorization;
  readonly scopes: string[];
}

const SCHEME_KINDS = "an OAuth2 or OpenID Connect scheme, an HTTP bearer scheme or one with x-amazon-apigateway-authtype 'cognito_user_pools' (Cognito user pool tokens), "
  + "an apiKey scheme with x-amazon-apigateway-authtype 'awsSigv4' (IAM)";

/**
 * The authorization of an operation from the contract's security: `[]` (or an empty requirement)
 * is public, Cognito-like schemes are COGNITO with the requirement's scopes, a SigV4 scheme is IAM;
 * no security anywhere is the API's default. Records what cannot be served.
 */
export function operationAuthorization(
  doc: any, op: ContractOperationSpec, fallback: RouteAuthorization, v: Validation, where = 'document',
): OperationAuthorization {
  const security = op.security;
  const at = `${where}.${op.at}.security`;
  if (security === undefined) return { authorization: fallback, scopes: [] };
  if (!Array.isArray(security)) {
    v.fail(at, security, 'a list of security requirements');
    return { authorization: fallback, scopes: [] };
  }
  if (security.length === 0 || security.some((r) => r && typeof r === 'object' && Object.keys(r).length === 0)) {
    return { authorization: RouteAuthorization.NONE, scopes: [] };
  }
  const found: OperationAuthorization[] = [];
  for (const requirement of security) {
    const names = Object.keys(requirement ?? {});
    if (names.length > 1) {
      v.fail(at, requirement, 'one scheme per requirement (API Gateway checks one authorizer per method)', 'combines schemes');
      continue;
    }
    const name = names[0];
    const scheme = deref(doc, doc.components?.securitySchemes?.[name]);
    if (!scheme) {
      v.fail(at, name, 'a scheme of components.securitySchemes', 'is not declared');
      continue;
    }
    const kind = schemeAuthorization(scheme);
    if (!kind) {
      v.fail(`${where}.components.securitySchemes.${name}`, described(`type ${JSON.stringify(scheme.type)}${scheme.scheme ? ` scheme ${scheme.scheme}` : ''}`), SCHEME_KINDS);
      continue;
    }
    found.push({ authorization: kind, scopes: kind === RouteAuthorization.COGNITO ? [...requirement[name] ?? []] : [] });
  }
  if (found.length === 0) return { authorization: fallback, scopes: [] };
  if (found.some((f) => f.authorization !== found[0].authorization || f.scopes.join(' ') !== found[0].scopes.join(' '))) {
    v.fail(at, security, 'alternatives API Gateway can check as one: the same scheme kind and scopes (a method has one authorizer)', 'offers different alternatives');
  }
  return found[0];
}

function schemeAuthorization(scheme: any): RouteAuthorization | undefined {
  const authtype = String(scheme['x-amazon-apigateway-authtype'] ?? '').toLowerCase();
  if (authtype === 'cognito_user_pools') return RouteAuthorization.COGNITO;
  if (authtype === 'awssigv4') return RouteAuthorization.IAM;
  if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect') return RouteAuthorization.COGNITO;
  if (scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer') return RouteAuthorization.COGNITO;
  return undefined;
}
