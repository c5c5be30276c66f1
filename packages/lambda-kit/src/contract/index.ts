/**
 * Contract tests: what a handler answers, checked against the OpenAPI 3 contract of its API
 * (status, headers, body), with every difference listed as a diff. For tests only: it
 * loads Ajv, which no handler bundle should carry.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A handler's answer, as API Gateway's Lambda proxy integration takes it. */
export interface ContractResponse {
  readonly statusCode: number;
  readonly headers?: { readonly [name: string]: string | number | boolean | undefined };
  readonly multiValueHeaders?: { readonly [name: string]: ReadonlyArray<string | number | boolean> | undefined };
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

/** One difference between a response and the contract: where, what the contract expects, what the response has. */
export interface ContractProblem {
  /** `status`, `header Location`, `content-type`, `body`, `body.items[0].status`. */
  readonly where: string;
  readonly expected: string;
  readonly actual: string;
}

/** Thrown by `assertResponse`: the problems, and a message that shows them as a diff. */
export class ContractViolationError extends Error {
  constructor(message: string, public readonly problems: ContractProblem[]) {
    super(message);
    this.name = 'ContractViolationError';
  }
}

/** An operation of the contract. */
export interface ContractOperationInfo {
  readonly operationId?: string;
  readonly method: string;
  readonly path: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * An OpenAPI 3 contract to check responses against: `contractTester('openapi.yaml')` (a JSON or
 * YAML file) or `contractTester(document)`.
 *
 * ```ts
 * const contract = contractTester('openapi.yaml');
 * contract.assertResponse('createPass', await handler(event, context));
 * ```
 */
export function contractTester(source: string | object): ContractTester {
  return new ContractTester(source);
}

/** Checks responses against the operations of one OpenAPI 3 document. */
export class ContractTester {
  /** The parsed document. */
  public readonly document: any;
  /** Where the document came from (its file, or `the given document`). */
  public readonly source: string;
  private readonly ajv: Ajv;
  private readonly operations: Array<ContractOperationInfo & { readonly operation: any }> = [];
  private readonly validators = new Map<any, ValidateFunction>();

  constructor(source: string | object) {
    if (typeof source === 'string') {
      const text = fs.readFileSync(source, 'utf-8');
      this.document = path.extname(source).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
      this.source = source;
    } else {
      this.document = JSON.parse(JSON.stringify(source));
      this.source = 'the given document';
    }
    const version = String(this.document?.openapi ?? '');
    if (!/^3\.[01]\./.test(version)) throw new Error(`${this.source} is not an OpenAPI 3.0 or 3.1 document (openapi: ${JSON.stringify(this.document?.openapi)})`);
    // 3.0 schemas are draft 4/7-like with `nullable` and boolean exclusive bounds; 3.1 schemas are JSON Schema 2020-12.
    const options = { strict: false, allErrors: true, validateFormats: true };
    this.ajv = version.startsWith('3.1.') ? new Ajv2020(options) : new Ajv(options);
    addFormats(this.ajv as any);
    const schemaDoc = version.startsWith('3.0.') ? openApi30ToJsonSchema(this.document) : this.document;
    // The document itself, so every `#/components/...` reference resolves where the contract wrote it.
    this.ajv.addSchema({ ...schemaDoc, $id: 'contract' }, 'contract');
    for (const [p, item] of Object.entries<any>(this.document.paths ?? {})) {
      for (const method of METHODS) {
        const operation = item?.[method];
        if (operation) this.operations.push({ operationId: operation.operationId, method: method.toUpperCase(), path: p, operation });
      }
    }
  }

  /** The operations of the contract. */
  public get operationIds(): string[] {
    return this.operations.map((o) => o.operationId).filter((id): id is string => typeof id === 'string');
  }

  /** Every difference between `response` and what the contract declares for `operation` (an operationId or `METHOD /path`). */
  public check(operation: string, response: ContractResponse): ContractProblem[] {
    const op = this.operation(operation);
    const problems: ContractProblem[] = [];
    const responses = op.operation.responses ?? {};
    const status = String(response.statusCode);
    const key = status in responses ? status : `${status[0]}XX` in responses ? `${status[0]}XX` : 'default' in responses ? 'default' : undefined;
    if (!key) {
      problems.push({ where: 'status', expected: `one of ${Object.keys(responses).join(', ') || '(none declared)'}`, actual: status });
      return problems;
    }
    const declared = this.deref(responses[key]);
    const headers = headerMap(response);
    for (const [name, rawHeader] of Object.entries<any>(declared?.headers ?? {})) {
      if (name.toLowerCase() === 'content-type') continue;
      const header = this.deref(rawHeader);
      const value = headers.get(name.toLowerCase());
      if (value === undefined) {
        if (header?.required) problems.push({ where: `header ${name}`, expected: 'present (required)', actual: 'absent' });
        continue;
      }
      if (header?.schema) {
        const validate = this.validator(header.schema);
        const typed = coerce(value, this.deref(header.schema));
        if (!validate(typed)) problems.push(...errorsOf(validate.errors, `header ${name}`, typed));
      }
    }
    const content = declared?.content;
    const body = response.isBase64Encoded && response.body ? Buffer.from(response.body, 'base64').toString('utf-8') : response.body;
    const hasBody = body !== undefined && body !== '';
    if (!content || Object.keys(content).length === 0) {
      if (hasBody) problems.push({ where: 'body', expected: `no body (the contract declares none for ${key})`, actual: preview(body) });
      return problems;
    }
    const contentType = (headers.get('content-type') ?? 'application/json').split(';')[0].trim().toLowerCase();
    const mediaKey = Object.keys(content).find((t) => mediaMatches(t, contentType));
    if (!mediaKey) {
      problems.push({ where: 'content-type', expected: `one of ${Object.keys(content).join(', ')}`, actual: contentType });
      return problems;
    }
    const schema = content[mediaKey]?.schema;
    if (!schema || !/(^application\/json$|\+json$)/.test(mediaKey.split(';')[0].trim().toLowerCase())) return problems;
    if (!hasBody) {
      problems.push({ where: 'body', expected: `a ${mediaKey} body`, actual: 'no body' });
      return problems;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body!);
    } catch {
      problems.push({ where: 'body', expected: 'JSON', actual: preview(body) });
      return problems;
    }
    const validate = this.validator(schema);
    if (!validate(parsed)) problems.push(...errorsOf(validate.errors, 'body', parsed));
    return problems;
  }

  /** Throws a `ContractViolationError` listing every difference as a diff when `response` does not match the contract. */
  public assertResponse(operation: string, response: ContractResponse): void {
    const problems = this.check(operation, response);
    if (problems.length === 0) return;
    const op = this.operation(operation);
    const name = op.operationId ? `${op.operationId} (${op.method} ${op.path})` : `${op.method} ${op.path}`;
    const lines = problems.flatMap((p) => [`  ${p.where}:`, `    - expected: ${p.expected}`, `    + actual:   ${p.actual}`]);
    throw new ContractViolationError(
      `The ${response.statusCode} response of ${name} does not match the contract (${this.source}): ${problems.length} difference(s)\n${lines.join('\n')}`,
      problems,
    );
  }

  private operation(name: string): ContractOperationInfo & { readonly operation: any } {
    const found = this.operations.find((o) => o.operationId === name || `${o.method} ${o.path}` === name);
    if (!found) {
      const known = this.operations.map((o) => o.operationId ?? `${o.method} ${o.path}`).join(', ');
      throw new Error(`${JSON.stringify(name)} is not an operation of ${this.source}; its operations: ${known}`);
    }
    return found;
  }

  private deref(value: any): any {
    let current = value;
    for (let i = 0; i < 32 && current && typeof current.$ref === 'string' && current.$ref.startsWith('#/'); i++) {
      current = current.$ref.slice(2).split('/').map((k: string) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((node: any, k: string) => node?.[k], this.document);
    }
    return current;
  }

  private validator(schema: any): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      const converted = this.document.openapi.startsWith('3.0.') ? openApi30ToJsonSchema(schema) : schema;
      // Relative references resolve against the whole document (registered as `contract`).
      validate = this.ajv.compile({ $id: `contract-part-${this.validators.size}`, ...rebase(converted) });
      this.validators.set(schema, validate);
    }
    return validate;
  }
}

/** `#/components/...` references of a part, pointed at the whole document. */
function rebase(schema: any): any {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries<any>(schema)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `contract${v}` : rebase(v);
  return out;
}

/** OpenAPI 3.0 schema dialect to JSON Schema: `nullable` into the type, boolean exclusive bounds into numbers. */
function openApi30ToJsonSchema(value: any): any {
  if (Array.isArray(value)) return value.map(openApi30ToJsonSchema);
  if (!value || typeof value !== 'object') return value;
  const out: any = {};
  for (const [k, v] of Object.entries<any>(value)) out[k] = openApi30ToJsonSchema(v);
  if (out.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    delete out.nullable;
  }
  for (const [bound, limit] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']]) {
    if (typeof out[bound] !== 'boolean') continue;
    if (out[bound] && typeof out[limit] === 'number') {
      out[bound] = out[limit];
      delete out[limit];
    } else {
      delete out[bound];
    }
  }
  return out;
}

function headerMap(response: ContractResponse): Map<string, string> {
  const map = new Map<string, string>();
  for (const [k, v] of Object.entries(response.multiValueHeaders ?? {})) if (v && v.length > 0) map.set(k.toLowerCase(), v.map(String).join(','));
  for (const [k, v] of Object.entries(response.headers ?? {})) if (v !== undefined) map.set(k.toLowerCase(), String(v));
  return map;
}

/** A header's text as the type its schema declares (headers are strings on the wire). */
function coerce(value: string, schema: any): unknown {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if ((type === 'integer' || type === 'number') && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function mediaMatches(declared: string, actual: string): boolean {
  const d = declared.split(';')[0].trim().toLowerCase();
  if (d === actual || d === '*/*') return true;
  return d.endsWith('/*') && actual.startsWith(d.slice(0, -1));
}

/** Ajv's errors as problems: where in the value (`body.items[0].status`), what the schema wants, what is there. */
function errorsOf(errors: ErrorObject[] | null | undefined, root: string, value: unknown): ContractProblem[] {
  return (errors ?? []).map((e) => {
    const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const where = root + segments.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join('');
    const actual = segments.reduce((node: any, s) => node?.[s], value);
    let expected = e.message ?? e.keyword;
    if (e.keyword === 'enum') expected = `one of ${(e.params as any).allowedValues.map((x: unknown) => JSON.stringify(x)).join(', ')}`;
    if (e.keyword === 'additionalProperties') {
      return { where: `${where}.${(e.params as any).additionalProperty}`, expected: 'no such property (additionalProperties: false)', actual: preview(JSON.stringify((actual as any)?.[(e.params as any).additionalProperty])) };
    }
    if (e.keyword === 'required') {
      return { where: `${where}.${(e.params as any).missingProperty}`, expected: 'present (required)', actual: 'absent' };
    }
    return { where, expected, actual: actual === undefined ? 'absent' : preview(JSON.stringify(actual)) };
  });
}

function preview(text: string | undefined): string {
  if (text === undefined) return 'absent';
  return text.length > 120 ? `${text.slice(0, 100)}… (${text.length} characters)` : text;
}
