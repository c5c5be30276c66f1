import * as path from 'path';
import { z } from 'zod';
import { httpHandler } from '../src';
import { contractTester, ContractViolationError } from '../src/contract';
import { jsonApiGatewayEvent, lambdaContext } from '../src/testing';

const CONTRACT = path.join(__dirname, 'fixtures', 'passes.yaml');
const contract = contractTester(CONTRACT);
const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
  statusCode, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body),
});
const pass = { passId: 'p-1', status: 'PENDING', reason: 'MEDICAL', travellers: 1 };

/** The message of what `fn` throws. */
function violation(fn: () => void): ContractViolationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ContractViolationError);
    return e as ContractViolationError;
  }
  throw new Error('expected a contract violation');
}

describe('contractTester', () => {
  test('a response as the contract declares it passes (by operationId or METHOD /path)', () => {
    expect(contract.check('createPass', json(201, pass, { Location: '/passes/p-1' }))).toEqual([]);
    expect(() => contract.assertResponse('POST /passes', json(201, pass, { location: '/passes/p-1' }))).not.toThrow();
    expect(contract.check('listPasses', json(200, { items: [pass, { ...pass, passId: 'p-2', status: 'APPROVED' }] }))).toEqual([]);
    expect(contract.check('revokePass', { statusCode: 204 })).toEqual([]);
    expect(contract.check('getPass', { statusCode: 404 })).toEqual([]); // declared without content
    expect(contract.operationIds).toEqual(['listPasses', 'createPass', 'getPass', 'revokePass']);
  });

  test('a status the contract does not declare fails, naming the declared ones', () => {
    const e = violation(() => contract.assertResponse('createPass', json(200, pass, { Location: '/passes/p-1' })));
    expect(e.problems).toEqual([{ where: 'status', expected: 'one of 201, 400', actual: '200' }]);
    expect(e.message).toBe([
      'The 200 response of createPass (POST /passes) does not match the contract (' + CONTRACT + '): 1 difference(s)',
      '  status:',
      '    - expected: one of 201, 400',
      '    + actual:   200',
    ].join('\n'));
  });

  test('a missing required header fails', () => {
    const e = violation(() => contract.assertResponse('createPass', json(201, pass)));
    expect(e.problems).toEqual([{ where: 'header Location', expected: 'present (required)', actual: 'absent' }]);
    expect(e.message).toContain('  header Location:\n    - expected: present (required)\n    + actual:   absent');
  });

  test('a body that breaks the schema fails with each difference: where, expected, actual', () => {
    const wrong = { passId: 'p-1', status: 'LOST', travellers: 'two' };
    const e = violation(() => contract.assertResponse('createPass', json(201, wrong, { Location: '/passes/p-1' })));
    expect(e.problems).toEqual(expect.arrayContaining([
      { where: 'body.reason', expected: 'present (required)', actual: 'absent' },
      { where: 'body.status', expected: 'one of "PENDING", "APPROVED", "REJECTED", "REVOKED"', actual: '"LOST"' },
      { where: 'body.travellers', expected: 'must be integer', actual: '"two"' },
    ]));
    expect(e.problems).toHaveLength(3);
    expect(e.message).toContain('  body.travellers:\n    - expected: must be integer\n    + actual:   "two"');
    // Deep in a list.
    const list = contract.check('listPasses', json(200, { items: [pass, { ...pass, travellers: 1.5 }] }));
    expect(list).toEqual([{ where: 'body.items[1].travellers', expected: 'must be integer', actual: '1.5' }]);
  });

  test('a wrong content type, a body where none is declared, a body that is not JSON', () => {
    expect(contract.check('listPasses', { statusCode: 200, headers: { 'Content-Type': 'text/html' }, body: '<p>hi</p>' }))
      .toEqual([{ where: 'content-type', expected: 'one of application/json', actual: 'text/html' }]);
    expect(contract.check('revokePass', json(204, { ok: true })))
      .toEqual([{ where: 'body', expected: 'no body (the contract declares none for 204)', actual: '{"ok":true}' }]);
    expect(contract.check('listPasses', { statusCode: 200, body: 'not json' })).toEqual([{ where: 'body', expected: 'JSON', actual: 'not json' }]);
  });

  test('OpenAPI 3.0 nullable is honoured; an unknown operation is refused with the list of operations', () => {
    const doc = {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: {
        '/x': {
          get: {
            operationId: 'getX',
            responses: {
              200: {
                description: 'x',
                headers: { 'X-Count': { schema: { type: 'integer', minimum: 0 } } },
                content: { 'application/json': { schema: { type: 'object', properties: { note: { type: 'string', nullable: true }, n: { type: 'number', minimum: 0, exclusiveMinimum: true } } } } },
              },
            },
          },
        },
      },
    };
    const tester = contractTester(doc);
    expect(tester.check('getX', json(200, { note: null, n: 1 }, { 'X-Count': '3' }))).toEqual([]);
    expect(tester.check('getX', json(200, { n: 0 }, { 'X-Count': '-1' }))).toEqual([
      { where: 'header X-Count', expected: 'must be >= 0', actual: '-1' },
      { where: 'body.n', expected: 'must be > 0', actual: '0' },
    ]);
    expect(() => tester.check('getY', json(200, {}))).toThrow('"getY" is not an operation of the given document; its operations: getX');
  });

  test('an OpenAPI 3.1 document is checked with JSON Schema 2020-12 (type lists, numeric exclusive bounds)', () => {
    const tester = contractTester({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: { '/n': { get: { operationId: 'getN', responses: { 200: { description: 'n', content: { 'application/json': { schema: { type: ['number', 'null'], exclusiveMinimum: 0 } } } } } } } },
    });
    expect(tester.check('getN', json(200, null))).toEqual([]);
    expect(tester.check('getN', json(200, 0))).toEqual([{ where: 'body', expected: 'must be > 0', actual: '0' }]);
  });

  test('what a kit handler answers is checked as it returns it', async () => {
    const createPass = httpHandler({
      body: z.object({ reason: z.string(), travellers: z.number().int(), from: z.string() }),
      successStatus: 201,
      handle: async ({ body }) => ({ passId: 'p-9', status: 'PENDING', reason: body.reason, travellers: body.travellers }),
    });
    const event = jsonApiGatewayEvent({ method: 'POST', resource: '/passes', json: { reason: 'WORK', travellers: 2, from: 'Lyon' } });
    const answer = await createPass(event, lambdaContext({ functionName: 'create-pass' }));
    // The handler sets no Location header, which the contract requires: the test says so.
    expect(contract.check('createPass', answer)).toEqual([{ where: 'header Location', expected: 'present (required)', actual: 'absent' }]);
    expect(contract.check('createPass', { ...answer, headers: { ...answer.headers, Location: '/passes/p-9' } })).toEqual([]);
  });
});
