import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { RouteAuthorization } from '../../src/api';
import {
  ContractOperationSpec, contractOperations, deref, jsonMediaType, mockResponse, OPENAPI_METHODS, operationAuthorization, operationKey,
  pointer, refTarget, requestParameters, sampleOf, toModelSchema,
} from '../../src/api/private/openapi';
import { Validation } from '../../src/private/validation';

/* eslint-disable @typescript-eslint/no-explicit-any */

const T = apigateway.JsonSchemaType;
const doc = (paths: any, extra: any = {}): any => ({ openapi: '3.0.3', info: { title: 'T', version: '1' }, paths, ...extra });
const validation = () => new Validation('ContractApi', 'Test');
/** Runs `f` with a fresh Validation, then throws what it recorded. */
const refused = (f: (v: Validation) => unknown) => () => {
  const v = validation();
  f(v);
  v.throwIfInvalid();
};
/** The operations of a document, failing on any problem. */
const operations = (d: any): ContractOperationSpec[] => {
  const v = validation();
  const ops = contractOperations(d, v);
  v.throwIfInvalid();
  return ops;
};
const op = (d: any, path: string, method: string) => operations(d).find((o) => o.path === path && o.method === method)!;
const convert = (schema: any, d: any = doc({}), request = false) => {
  const v = validation();
  const out = toModelSchema(d, schema, 'schema', v, request);
  v.throwIfInvalid();
  return out;
};

describe('pointer', () => {
  test('names a path, or a method of it, as the document writes them', () => {
    expect(pointer('/passes')).toBe("paths['/passes']");
    expect(pointer('/passes/{passId}', 'get')).toBe("paths['/passes/{passId}'].get");
  });
});

describe('refTarget and deref', () => {
  const d = {
    components: {
      schemas: { 'Pass': { type: 'object' }, 'a/b': { type: 'string' }, 'c~d': { type: 'integer' }, 'e f': { type: 'boolean' } },
      parameters: { Alias: { $ref: '#/components/parameters/Id' }, Id: { name: 'id', in: 'path' }, Loop: { $ref: '#/components/parameters/Loop' } },
    },
  };

  test('a JSON pointer into the document, with ~1, ~0 and percent escapes', () => {
    expect(refTarget(d, '#/components/schemas/Pass')).toEqual({ type: 'object' });
    expect(refTarget(d, '#/components/schemas/a~1b')).toEqual({ type: 'string' });
    expect(refTarget(d, '#/components/schemas/c~0d')).toEqual({ type: 'integer' });
    expect(refTarget(d, '#/components/schemas/e%20f')).toEqual({ type: 'boolean' });
  });

  test('undefined for a remote reference or one that names nothing', () => {
    expect(refTarget(d, 'other.yaml#/components/schemas/Pass')).toBeUndefined();
    expect(refTarget(d, '#/components/schemas/Missing')).toBeUndefined();
    expect(refTarget(d, '#/components/schemas/Pass/type/deeper')).toBeUndefined();
  });

  test('deref follows a chain of references; a cycle or a dangling one is undefined', () => {
    expect(deref(d, { $ref: '#/components/parameters/Alias' })).toEqual({ name: 'id', in: 'path' });
    expect(deref(d, { $ref: '#/components/parameters/Loop' })).toBeUndefined();
    expect(deref(d, { $ref: '#/nothing' })).toBeUndefined();
    const plain = { name: 'q', in: 'query' };
    expect(deref(d, plain)).toBe(plain);
    expect(deref(d, undefined)).toBeUndefined();
  });
});

describe('contractOperations', () => {
  test('every operation, paths in document order, methods in OpenAPI order, methods upper case', () => {
    const ops = operations(doc({
      '/b': { post: { operationId: 'b2' }, get: { operationId: 'b1' } },
      '/a': { delete: { operationId: 'a3' }, patch: { operationId: 'a4' }, put: { operationId: 'a2' }, get: { operationId: 'a1' } },
      '/': { head: { operationId: 'root' } },
    }));
    expect(ops.map((o) => `${operationKey(o)} ${o.operationId}`)).toEqual([
      'GET /b b1', 'POST /b b2', 'GET /a a1', 'PUT /a a2', 'DELETE /a a3', 'PATCH /a a4', 'HEAD / root',
    ]);
    expect(ops[0].at).toBe("paths['/b'].get");
    expect(OPENAPI_METHODS).toEqual(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
  });

  test('path-level parameters merge in; an operation\'s own parameter of the same name and place wins', () => {
    const d = doc({
      '/items/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true }, { name: 'v', in: 'query' }, { $ref: '#/components/parameters/Trace' }],
        get: { operationId: 'get', parameters: [{ name: 'v', in: 'query', required: true }, { name: 'v', in: 'header' }] },
      },
    }, { components: { parameters: { Trace: { name: 'X-Trace', in: 'header' } } } });
    expect(op(d, '/items/{id}', 'GET').parameters).toEqual([
      { name: 'id', in: 'path', required: true },
      { name: 'X-Trace', in: 'header' },
      { name: 'v', in: 'query', required: true },
      { name: 'v', in: 'header' },
    ]);
  });

  test('a path item given by $ref is followed', () => {
    const d = doc({ '/a': { $ref: '#/components/pathItems/A' } }, { components: { pathItems: { A: { get: { operationId: 'a' } } } } });
    expect(operations(d).map((o) => o.operationId)).toEqual(['a']);
  });

  test('an operation\'s security, else the document\'s; undefined when neither sets one', () => {
    const d = doc({ '/a': { get: { operationId: 'own', security: [] }, post: { operationId: 'inherited' } } }, { security: [{ s: [] }] });
    expect(op(d, '/a', 'GET').security).toEqual([]);
    expect(op(d, '/a', 'POST').security).toEqual([{ s: [] }]);
    expect(op(doc({ '/a': { get: {} } }), '/a', 'GET').security).toBeUndefined();
  });

  describe('refuses', () => {
    test('a document that is not an object', () => {
      expect(refused((v) => contractOperations(null, v))).toThrow(/document: null; allowed: an OpenAPI 3 document \(an object with openapi and paths\)/);
      expect(refused((v) => contractOperations([], v))).toThrow(/document: a list; allowed: an OpenAPI 3 document/);
    });

    test('a version other than 3.0 or 3.1, naming a Swagger version', () => {
      const allowed = /allowed: an OpenAPI 3\.0 or 3\.1 version such as '3\.0\.3' or '3\.1\.0' \(convert a Swagger 2\.0 document first\)/;
      expect(refused((v) => contractOperations(doc({ '/a': { get: {} } }, { openapi: '3.2.0' }), v))).toThrow(/document\.openapi: '3\.2\.0'; allowed/);
      expect(refused((v) => contractOperations(doc({ '/a': { get: {} } }, { openapi: 3.0 }), v))).toThrow(allowed);
      expect(refused((v) => contractOperations({ swagger: '2.0', paths: { '/a': { get: {} } } }, v))).toThrow(/document\.openapi: not set \(swagger 2\.0\); allowed/);
      expect(refused((v) => contractOperations({ paths: { '/a': { get: {} } } }, v))).toThrow(/document\.openapi: not set; allowed/);
      expect(() => operations(doc({ '/a': { get: {} } }, { openapi: '3.1.0' }))).not.toThrow();
    });

    test('no paths, or paths without an operation', () => {
      expect(refused((v) => contractOperations(doc(undefined), v))).toThrow(/document\.paths: not set; allowed: at least one path with an operation/);
      expect(refused((v) => contractOperations(doc({}), v))).toThrow(/document\.paths: \{\}; allowed: at least one path with an operation/);
      expect(refused((v) => contractOperations(doc({ '/a': { parameters: [] } }), v))).toThrow(/document\.paths: no operation; allowed: at least one path with an operation/);
    });

    test('a path API Gateway cannot serve, naming it', () => {
      const allowed = "allowed: a path starting with '/' whose segments are A-Z a-z 0-9 \\. _ ~ - or a whole \\{param\\}, no empty segment or trailing '/'";
      for (const bad of ['a', '/a/', '/a//b', '/a b', '/a{id}', '/{id+}', '/{1id}']) {
        expect(refused((v) => contractOperations(doc({ [bad]: { get: { operationId: 'x' } }, '/ok': { get: {} } }), v)))
          .toThrow(new RegExp(`document\\.paths\\['${bad.replace(/[{}+]/g, '\\$&')}'\\]: '${bad.replace(/[{}+]/g, '\\$&')}'; ${allowed}`));
      }
    });

    test('a TRACE operation, naming where it is and the methods API Gateway serves', () => {
      expect(refused((v) => contractOperations(doc({ '/a': { trace: {} } }), v)))
        .toThrow(/document\.paths\['\/a'\]\.trace: a TRACE operation; allowed: the methods API Gateway serves: GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH/);
    });

    test('problems are named under the given place (the file)', () => {
      expect(refused((v) => contractOperations(doc({ '/a': { trace: {} } }), v, 'document (c.yaml)'))).toThrow(/document \(c\.yaml\)\.paths\['\/a'\]\.trace/);
    });
  });
});

describe('requestParameters', () => {
  test('path parameters always required; query and header ones as the contract says', () => {
    const d = doc({
      '/items/{id}': {
        get: {
          parameters: [
            { name: 'id', in: 'path' },
            { name: 'q', in: 'query', required: true },
            { name: 'page', in: 'query' },
            { name: 'X-Note', in: 'header', required: 'yes' },
            { name: 'session', in: 'cookie', required: true },
          ],
        },
      },
    });
    expect(requestParameters(op(d, '/items/{id}', 'GET'))).toEqual({
      'method.request.path.id': true,
      'method.request.querystring.q': true,
      'method.request.querystring.page': false,
      'method.request.header.X-Note': false,
    });
  });

  test('a path parameter the contract does not declare is still required', () => {
    expect(requestParameters(op(doc({ '/a/{x}/b/{y}': { get: {} } }), '/a/{x}/b/{y}', 'GET')))
      .toEqual({ 'method.request.path.x': true, 'method.request.path.y': true });
  });
});

describe('jsonMediaType', () => {
  test('application/json first (any case, with parameters), else a +json type', () => {
    expect(jsonMediaType({ 'text/plain': {}, 'Application/JSON; charset=utf-8': {} })).toBe('Application/JSON; charset=utf-8');
    expect(jsonMediaType({ 'application/problem+json': {}, 'application/json': {} })).toBe('application/json');
    expect(jsonMediaType({ 'application/vnd.api+json; v=2': {} })).toBe('application/vnd.api+json; v=2');
  });

  test('undefined without a JSON type', () => {
    expect(jsonMediaType({ 'text/plain': {}, 'application/jsonx': {} })).toBeUndefined();
    expect(jsonMediaType(undefined)).toBeUndefined();
    expect(jsonMediaType('application/json')).toBeUndefined();
  });
});

describe('toModelSchema (OpenAPI schema to API Gateway draft 4)', () => {
  test('true and a missing schema allow anything; false allows nothing', () => {
    expect(convert(true)).toEqual({});
    expect(convert(undefined)).toEqual({});
    expect(convert(false)).toEqual({ not: {} });
  });

  test('validation keywords are copied as they are', () => {
    const schema = {
      title: 't',
      description: 'd',
      format: 'email',
      pattern: '^a',
      default: 'a',
      minLength: 1,
      maxLength: 9,
      minimum: 0,
      maximum: 9,
      multipleOf: 3,
      minItems: 1,
      maxItems: 2,
      uniqueItems: true,
      minProperties: 1,
      maxProperties: 4,
    };
    expect(convert(schema)).toEqual(schema);
  });

  test('types map to API Gateway types; a 3.1 type list stays a list', () => {
    for (const t of ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string']) expect(convert({ type: t }).type).toBe(t);
    expect(convert({ type: ['string', 'integer'] })).toEqual({ type: [T.STRING, T.INTEGER] });
  });

  test('nullable (3.0) adds null to the type and to an enum', () => {
    expect(convert({ type: 'string', nullable: true, enum: ['a', 'b'] })).toEqual({ type: [T.STRING, T.NULL], enum: ['a', 'b', null] });
    expect(convert({ type: ['string', 'null'], nullable: true })).toEqual({ type: [T.STRING, T.NULL] });
    expect(convert({ type: 'string', nullable: false })).toEqual({ type: T.STRING });
    expect(convert({ enum: ['a', null], nullable: true })).toEqual({ enum: ['a', null] });
  });

  test('const is a one-value enum', () => {
    expect(convert({ const: 'on' })).toEqual({ enum: ['on'] });
  });

  test('numeric exclusive bounds (3.1) become a bound with the draft 4 boolean; boolean ones (3.0) stay', () => {
    expect(convert({ exclusiveMinimum: 0, exclusiveMaximum: 10 }))
      .toEqual({ minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: true });
    expect(convert({ minimum: 0, exclusiveMinimum: true })).toEqual({ minimum: 0, exclusiveMinimum: true });
  });

  test('annotations and x- extensions are left out', () => {
    expect(convert({
      'type': 'string',
      'example': 'a',
      'examples': ['a'],
      'readOnly': true,
      'writeOnly': false,
      'deprecated': true,
      'xml': {},
      'externalDocs': {},
      'discriminator': {},
      '$comment': 'c',
      '$schema': 's',
      '$id': 'i',
      'contentMediaType': 'm',
      'contentEncoding': 'e',
      'x-owner': 'me',
    })).toEqual({ type: T.STRING });
  });

  test('nested schemas are converted: properties, patternProperties, additionalProperties, items, allOf/anyOf/oneOf, not', () => {
    expect(convert({
      type: 'object',
      properties: { a: { type: 'string', nullable: true, example: 'x' } },
      patternProperties: { '^x-': { const: 1 } },
      additionalProperties: { type: 'integer', exclusiveMinimum: 0 },
      allOf: [{ minProperties: 1 }],
      anyOf: [{ required: ['a'] }],
      oneOf: [{ maxProperties: 3 }],
      not: { const: null },
    })).toEqual({
      type: T.OBJECT,
      properties: { a: { type: [T.STRING, T.NULL] } },
      patternProperties: { '^x-': { enum: [1] } },
      additionalProperties: { type: T.INTEGER, minimum: 0, exclusiveMinimum: true },
      allOf: [{ minProperties: 1 }],
      anyOf: [{ required: ['a'] }],
      oneOf: [{ maxProperties: 3 }],
      not: { enum: [null] },
    });
    expect(convert({ additionalProperties: false })).toEqual({ additionalProperties: false });
    expect(convert({ type: 'array', items: { type: 'string', format: 'uuid' } })).toEqual({ type: T.ARRAY, items: { type: T.STRING, format: 'uuid' } });
  });

  test('local $refs are inlined, through chains', () => {
    const d = doc({}, { components: { schemas: { Id: { $ref: '#/components/schemas/Text' }, Text: { type: 'string', minLength: 1 } } } });
    expect(convert({ type: 'object', properties: { id: { $ref: '#/components/schemas/Id' } } }, d))
      .toEqual({ type: T.OBJECT, properties: { id: { type: T.STRING, minLength: 1 } } });
  });

  test('the same schema used twice side by side is not a cycle', () => {
    const d = doc({}, { components: { schemas: { Id: { type: 'string' } } } });
    const ref = { $ref: '#/components/schemas/Id' };
    expect(convert({ properties: { a: ref, b: ref }, items: ref }, d))
      .toEqual({ properties: { a: { type: T.STRING }, b: { type: T.STRING } }, items: { type: T.STRING } });
  });

  test('in a request, readOnly properties (also through $ref) are not required; in a response they are', () => {
    const d = doc({}, { components: { schemas: { Id: { type: 'string', readOnly: true } } } });
    const schema = { type: 'object', required: ['id', 'ref', 'name'], properties: { id: { type: 'string', readOnly: true }, ref: { $ref: '#/components/schemas/Id' }, name: { type: 'string' } } };
    expect(convert(schema, d, true).required).toEqual(['name']);
    expect(convert(schema, d, false).required).toEqual(['id', 'ref', 'name']);
    // Nothing left required: no required list at all (draft 4 refuses an empty one).
    expect(convert({ required: ['id'], properties: { id: { readOnly: true } } }, d, true)).toEqual({ properties: { id: {} } });
  });

  describe('refuses, naming where in the schema and what API Gateway validates', () => {
    const draft4 = /allowed: JSON Schema draft 4 keywords \(type, properties, .*\); API Gateway validates draft 4 only/;

    test('a keyword draft 4 lacks', () => {
      for (const keyword of ['if', 'then', 'dependentRequired', 'prefixItems', 'unevaluatedProperties', 'contains', 'propertyNames']) {
        expect(refused((v) => toModelSchema(doc({}), { type: 'object', [keyword]: {} }, 'schema', v, true)))
          .toThrow(new RegExp(`schema\\.${keyword}: the keyword ${keyword}; ${draft4.source}`));
      }
      expect(refused((v) => toModelSchema(doc({}), { properties: { a: { items: { if: {} } } } }, 'body', v, true)))
        .toThrow(/body\.properties\.a\.items\.if: the keyword if; allowed: JSON Schema draft 4/);
    });

    test('items as a list of schemas (tuple validation)', () => {
      expect(refused((v) => toModelSchema(doc({}), { items: [{ type: 'string' }] }, 'schema', v, true)))
        .toThrow(/schema\.items: a list of schemas; allowed: JSON Schema draft 4 keywords .*: items as one schema/);
    });

    test('an unknown type', () => {
      expect(refused((v) => toModelSchema(doc({}), { type: 'date' }, 'schema', v, true)))
        .toThrow(/schema\.type: 'date'; allowed: types of null, boolean, object, array, number, integer, string/);
      expect(refused((v) => toModelSchema(doc({}), { type: ['string', 'text'] }, 'schema', v, true))).toThrow(/schema\.type: \["string","text"\]; allowed: types of/);
    });

    test('a schema that is not an object', () => {
      expect(refused((v) => toModelSchema(doc({}), { properties: { a: 'string' } }, 'schema', v, true))).toThrow(/schema\.properties\.a: 'string'; allowed: a schema object/);
      expect(refused((v) => toModelSchema(doc({}), null, 'schema', v, true))).toThrow(/schema: null; allowed: a schema object/);
      expect(refused((v) => toModelSchema(doc({}), [], 'schema', v, true))).toThrow(/schema: \[\]; allowed: a schema object/);
    });

    test('a $ref that names nothing, or a remote one', () => {
      const allowed = "allowed: a local reference to a schema of the document, such as '#/components/schemas/Pass'";
      expect(refused((v) => toModelSchema(doc({}), { $ref: '#/components/schemas/Nope' }, 'schema', v, true)))
        .toThrow(new RegExp(`schema\\.\\$ref: '#/components/schemas/Nope' names nothing in the document; ${allowed}`));
      expect(refused((v) => toModelSchema(doc({}), { $ref: 'common.yaml#/Pass' }, 'schema', v, true))).toThrow(/'common\.yaml#\/Pass' names nothing in the document/);
    });

    test('a recursive $ref, showing the chain', () => {
      const d = doc({}, { components: { schemas: { Node: { properties: { next: { $ref: '#/components/schemas/Node' } } } } } });
      expect(refused((v) => toModelSchema(d, { $ref: '#/components/schemas/Node' }, 'schema', v, true)))
        .toThrow(/schema\.\$ref\.properties\.next\.\$ref: '#\/components\/schemas\/Node' is recursive \(#\/components\/schemas\/Node -> #\/components\/schemas\/Node\); allowed: .*a model is inlined, so it cannot refer to itself/);
    });

    test('every problem of a schema at once', () => {
      const v = validation();
      toModelSchema(doc({}), { type: 'date', if: {}, properties: { a: { contains: {} } } }, 'schema', v, true);
      expect(v.problems.map((p) => p.prop)).toEqual(['schema.if', 'schema.properties.a.contains', 'schema.type']);
    });
  });
});

describe('mockResponse (the answer of an operation without an implementation)', () => {
  const answer = (responses: any, components: any = {}) => {
    const d = doc({ '/a': { get: { operationId: 'a', responses } } }, { components });
    return mockResponse(d, op(d, '/a', 'GET'));
  };
  const json = (media: any) => ({ content: { 'application/json': media } });

  test('the first success status, else the first declared, else 200 for default alone, else 204', () => {
    expect(answer({ 404: {}, 201: {}, 200: {} }).statusCode).toBe('200');
    expect(answer({ 500: {}, 404: {}, default: {} }).statusCode).toBe('404');
    expect(answer({ 'default': json({ example: { d: 1 } }), '2XX': {} })).toEqual({ statusCode: '200', body: { d: 1 } });
    expect(answer({})).toEqual({ statusCode: '204' });
    expect(mockResponse(doc({ '/a': { get: {} } }), op(doc({ '/a': { get: {} } }), '/a', 'GET'))).toEqual({ statusCode: '204' });
  });

  test('the media example first, then the first of examples (through $ref), then one built from the schema', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } } };
    expect(answer({ 200: json({ example: { a: 1 }, examples: { x: { value: { b: 2 } } }, schema }) }).body).toEqual({ a: 1 });
    expect(answer({ 200: json({ examples: { x: { value: { b: 2 } }, y: { value: { c: 3 } } }, schema }) }).body).toEqual({ b: 2 });
    expect(answer({ 200: json({ examples: { x: { $ref: '#/components/examples/X' } } }) }, { examples: { X: { value: ['from ref'] } } }).body).toEqual(['from ref']);
    expect(answer({ 200: json({ examples: { x: { externalValue: 'https://example.com/x.json' } }, schema }) }).body).toEqual({ n: 0 });
    expect(answer({ 200: json({ schema }) }).body).toEqual({ n: 0 });
    expect(answer({ 200: json({ example: null }) }).body).toBeNull();
  });

  test('a response given by $ref, and a +json media type', () => {
    expect(answer({ 200: { $ref: '#/components/responses/Ok' } }, { responses: { Ok: json({ example: 'ok' }) } })).toEqual({ statusCode: '200', body: 'ok' });
    expect(answer({ 200: { content: { 'application/hal+json': { example: { _links: {} } } } } }).body).toEqual({ _links: {} });
  });

  test('no JSON content: the status alone', () => {
    expect(answer({ 200: { content: { 'text/plain': { example: 'hi' } } } })).toEqual({ statusCode: '200' });
    expect(answer({ 204: { description: 'none' } })).toEqual({ statusCode: '204' });
  });
});

describe('sampleOf (a value that fits a schema)', () => {
  const sample = (schema: any, components: any = {}) => sampleOf(doc({}, { components }), schema, [], 0);

  test('the schema\'s own example, examples, default, const or first enum value, in that order', () => {
    expect(sample({ type: 'string', example: 'e', examples: ['x'], default: 'd', enum: ['a'] })).toBe('e');
    expect(sample({ type: 'string', examples: ['x'], default: 'd', enum: ['a'] })).toBe('x');
    expect(sample({ type: 'string', default: 'd', const: 'c', enum: ['a'] })).toBe('d');
    expect(sample({ const: 'c', enum: ['a'] })).toBe('c');
    expect(sample({ type: 'string', enum: ['a', 'b'] })).toBe('a');
    expect(sample({ type: 'boolean', default: false })).toBe(false);
  });

  test('plain values by type: the minimum of a number, typed placeholders, formats', () => {
    expect(sample({ type: 'integer' })).toBe(0);
    expect(sample({ type: 'number', minimum: 2.5 })).toBe(2.5);
    expect(sample({ type: 'boolean' })).toBe(true);
    expect(sample({ type: 'string' })).toBe('string');
    expect(sample({ type: 'string', format: 'date-time' })).toBe('2026-01-01T00:00:00Z');
    expect(sample({ type: 'string', format: 'email' })).toBe('user@example.com');
    expect(sample({ type: 'string', format: 'uuid' })).toBe('00000000-0000-4000-8000-000000000000');
    expect(sample({ type: 'string', format: 'unheard-of' })).toBe('string');
    expect(sample({ type: ['null', 'integer'] })).toBe(0);
    expect(sample({ type: 'null' })).toBeNull();
    expect(sample({})).toBeNull();
    expect(sample(undefined)).toBeNull();
  });

  test('objects and arrays from their parts, also without a type', () => {
    expect(sample({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'array', items: { type: 'integer' } } } })).toEqual({ a: 'string', b: [0] });
    expect(sample({ properties: { a: { const: 1 } } })).toEqual({ a: 1 });
    expect(sample({ items: { type: 'boolean' } })).toEqual([true]);
    expect(sample({ type: 'object' })).toEqual({});
  });

  test('allOf merged; the first of oneOf / anyOf', () => {
    expect(sample({ allOf: [{ properties: { a: { const: 1 } } }, { properties: { b: { const: 2 } } }] })).toEqual({ a: 1, b: 2 });
    expect(sample({ oneOf: [{ type: 'integer' }, { type: 'string' }] })).toBe(0);
    expect(sample({ anyOf: [{ type: 'string' }] })).toBe('string');
  });

  test('$refs followed; a recursive one stops (the property left out, the list empty)', () => {
    const components = {
      schemas: {
        Node: { type: 'object', properties: { name: { type: 'string' }, next: { $ref: '#/components/schemas/Node' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } },
      },
    };
    expect(sample({ $ref: '#/components/schemas/Node' }, components)).toEqual({ name: 'string', children: [] });
  });
});

describe('operationAuthorization', () => {
  const schemes = {
    oauth: { type: 'oauth2', flows: {} },
    oidc: { type: 'openIdConnect', openIdConnectUrl: 'https://auth.example.com/.well-known/openid-configuration' },
    bearer: { type: 'http', scheme: 'Bearer' },
    pool: { 'type': 'apiKey', 'name': 'Authorization', 'in': 'header', 'x-amazon-apigateway-authtype': 'cognito_user_pools' },
    sigv4: { 'type': 'apiKey', 'name': 'Authorization', 'in': 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
    basic: { type: 'http', scheme: 'basic' },
    key: { type: 'apiKey', name: 'x-api-key', in: 'header' },
    ref: { $ref: '#/components/securitySchemes/oauth' },
  };
  const auth = (security: any, fallback = RouteAuthorization.IAM, docSecurity?: any) => {
    const d = doc({ '/a': { get: security === undefined ? {} : { security } } }, { components: { securitySchemes: schemes }, security: docSecurity });
    const v = validation();
    const out = operationAuthorization(d, op(d, '/a', 'GET'), fallback, v);
    v.throwIfInvalid();
    return out;
  };
  const refusedAuth = (security: any) => refused((v) => {
    const d = doc({ '/a': { get: { security } } }, { components: { securitySchemes: schemes } });
    operationAuthorization(d, op(d, '/a', 'GET'), RouteAuthorization.IAM, v);
  });

  test('no security anywhere: the fallback; the document\'s security applies to an operation without its own', () => {
    expect(auth(undefined, RouteAuthorization.COGNITO)).toEqual({ authorization: RouteAuthorization.COGNITO, scopes: [] });
    expect(auth(undefined, RouteAuthorization.IAM, [{ sigv4: [] }])).toEqual({ authorization: RouteAuthorization.IAM, scopes: [] });
    expect(auth(undefined, RouteAuthorization.IAM, [{ oauth: ['a'] }])).toEqual({ authorization: RouteAuthorization.COGNITO, scopes: ['a'] });
  });

  test('[] or an empty requirement among others is public', () => {
    expect(auth([])).toEqual({ authorization: RouteAuthorization.NONE, scopes: [] });
    expect(auth([{ oauth: [] }, {}])).toEqual({ authorization: RouteAuthorization.NONE, scopes: [] });
  });

  test('OAuth2, OpenID Connect, HTTP bearer and cognito_user_pools are COGNITO with the requirement\'s scopes', () => {
    expect(auth([{ oauth: ['passes/read', 'passes/write'] }])).toEqual({ authorization: RouteAuthorization.COGNITO, scopes: ['passes/read', 'passes/write'] });
    expect(auth([{ oidc: [] }])).toEqual({ authorization: RouteAuthorization.COGNITO, scopes: [] });
    expect(auth([{ bearer: [] }]).authorization).toBe(RouteAuthorization.COGNITO);
    expect(auth([{ pool: ['s'] }])).toEqual({ authorization: RouteAuthorization.COGNITO, scopes: ['s'] });
    expect(auth([{ ref: ['r'] }])).toEqual({ authorization: RouteAuthorization.COGNITO, scopes: ['r'] });
  });

  test('awsSigv4 is IAM, without scopes', () => {
    expect(auth([{ sigv4: ['ignored'] }])).toEqual({ authorization: RouteAuthorization.IAM, scopes: [] });
    expect(auth([{ sigv4: [] }], RouteAuthorization.NONE).authorization).toBe(RouteAuthorization.IAM);
  });

  test('alternatives of one kind with the same scopes are one authorization', () => {
    expect(auth([{ oauth: ['a'] }, { bearer: ['a'] }])).toEqual({ authorization: RouteAuthorization.COGNITO, scopes: ['a'] });
  });

  describe('refuses, naming the operation\'s security', () => {
    test('security that is not a list', () => {
      expect(refusedAuth({ oauth: [] })).toThrow(/document\.paths\['\/a'\]\.get\.security: \{"oauth":\[\]\}; allowed: a list of security requirements/);
    });

    test('a requirement combining schemes', () => {
      expect(refusedAuth([{ oauth: [], sigv4: [] }]))
        .toThrow(/get\.security: \{"oauth":\[\],"sigv4":\[\]\} combines schemes; allowed: one scheme per requirement \(API Gateway checks one authorizer per method\)/);
    });

    test('a scheme that is not declared', () => {
      expect(refusedAuth([{ nobody: [] }])).toThrow(/get\.security: 'nobody' is not declared; allowed: a scheme of components\.securitySchemes/);
    });

    test('a scheme API Gateway cannot check, naming its type', () => {
      expect(refusedAuth([{ basic: [] }])).toThrow(/document\.components\.securitySchemes\.basic: type "http" scheme basic; allowed: an OAuth2 or OpenID Connect scheme, an HTTP bearer scheme/);
      expect(refusedAuth([{ key: [] }])).toThrow(/securitySchemes\.key: type "apiKey"; allowed: .*an apiKey scheme with x-amazon-apigateway-authtype 'awsSigv4' \(IAM\)/);
    });

    test('alternatives of different kinds or scopes', () => {
      const allowed = /get\.security: .* offers different alternatives; allowed: alternatives API Gateway can check as one: the same scheme kind and scopes/;
      expect(refusedAuth([{ oauth: [] }, { sigv4: [] }])).toThrow(allowed);
      expect(refusedAuth([{ oauth: ['a'] }, { oauth: ['b'] }])).toThrow(allowed);
    });
  });
});
