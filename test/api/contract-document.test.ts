import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ContractDocument } from '../../src/api';

const CONTRACT = path.join(__dirname, 'fixtures', 'contract', 'passes.yaml');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'contract-document-'));
const write = (dir: string, name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

describe('ContractDocument.fromFile', () => {
  test('YAML is parsed into the document; the file is kept as an absolute path', () => {
    const relative = path.relative(process.cwd(), CONTRACT);
    const contract = ContractDocument.fromFile(relative);
    expect(contract.file).toBe(path.resolve(CONTRACT));
    expect(path.isAbsolute(contract.file!)).toBe(true);
    expect(contract.document.openapi).toBe('3.0.3');
    expect(contract.document.info).toEqual({ title: 'Passes', version: '1.0.0' });
    expect(Object.keys(contract.document.paths)).toEqual(['/passes', '/passes/{passId}']);
    expect(contract.document.paths['/passes'].post.operationId).toBe('createPass');
  });

  test('.json is read as JSON, whatever the case of its extension', () => {
    const dir = tmp();
    const doc = { openapi: '3.1.0', info: { title: 'T', version: '1' }, paths: { '/a': { get: { operationId: 'a' } } } };
    expect(ContractDocument.fromFile(write(dir, 'a.json', JSON.stringify(doc))).document).toEqual(doc);
    expect(ContractDocument.fromFile(write(dir, 'b.JSON', JSON.stringify(doc))).document).toEqual(doc);
  });

  test('.yml and files without a known extension are read as YAML', () => {
    const dir = tmp();
    const yaml = 'openapi: 3.0.3\npaths:\n  /a:\n    get:\n      operationId: a\n';
    const expected = { openapi: '3.0.3', paths: { '/a': { get: { operationId: 'a' } } } };
    expect(ContractDocument.fromFile(write(dir, 'c.yml', yaml)).document).toEqual(expected);
    expect(ContractDocument.fromFile(write(dir, 'contract', yaml)).document).toEqual(expected);
    // JSON is YAML too: a .yaml file holding JSON reads the same.
    expect(ContractDocument.fromFile(write(dir, 'd.yaml', JSON.stringify(expected))).document).toEqual(expected);
  });

  test('an unreadable file: names the file, the error code and what is allowed', () => {
    const dir = tmp();
    const missing = path.join(dir, 'missing.yaml');
    expect(() => ContractDocument.fromFile(missing))
      .toThrow(/^ContractDocument '.*missing\.yaml' has invalid file:\n {2}- file: '.*missing\.yaml' cannot be read \(ENOENT\); allowed: the path of a readable OpenAPI document \(JSON or YAML\)$/);
    expect(() => ContractDocument.fromFile(dir)).toThrow(/file: '.*' cannot be read \(EISDIR\)/);
  });

  test('invalid JSON or YAML: names the file and the parser\'s first line', () => {
    const dir = tmp();
    expect(() => ContractDocument.fromFile(write(dir, 'bad.json', '{"openapi": ')))
      .toThrow(/file: '.*bad\.json' does not parse: .+; allowed: an OpenAPI document in valid JSON or YAML/);
    expect(() => ContractDocument.fromFile(write(dir, 'bad.yaml', 'openapi: 3.0.3\n  paths: [\n')))
      .toThrow(/file: '.*bad\.yaml' does not parse: [^\n]+; allowed: an OpenAPI document in valid JSON or YAML$/);
  });

  test('a file holding something other than an object: says what it holds', () => {
    const dir = tmp();
    const allowed = 'allowed: an OpenAPI document \\(an object with openapi and paths\\)';
    expect(() => ContractDocument.fromFile(write(dir, 'list.yaml', '- a\n- b\n'))).toThrow(new RegExp(`file: '.*list\\.yaml' holds a list; ${allowed}`));
    expect(() => ContractDocument.fromFile(write(dir, 'text.yaml', 'just words\n'))).toThrow(new RegExp(`file: '.*text\\.yaml' holds "just words"; ${allowed}`));
    expect(() => ContractDocument.fromFile(write(dir, 'null.json', 'null'))).toThrow(new RegExp(`file: '.*null\\.json' holds null; ${allowed}`));
    expect(() => ContractDocument.fromFile(write(dir, 'empty.yaml', ''))).toThrow(new RegExp(`file: '.*empty\\.yaml' holds null; ${allowed}`));
    expect(() => ContractDocument.fromFile(write(dir, 'number.json', '42'))).toThrow(new RegExp(`holds 42; ${allowed}`));
  });
});

describe('ContractDocument.fromObject', () => {
  test('holds a copy: later changes to the given object do not reach the document', () => {
    const given: any = { openapi: '3.0.3', paths: { '/a': { get: { operationId: 'a' } } } };
    const contract = ContractDocument.fromObject(given);
    given.paths['/a'].get.operationId = 'changed';
    given.paths['/b'] = {};
    expect(contract.document).toEqual({ openapi: '3.0.3', paths: { '/a': { get: { operationId: 'a' } } } });
    expect(contract.document).not.toBe(given);
  });

  test('has no file', () => {
    expect(ContractDocument.fromObject({ openapi: '3.0.3', paths: {} }).file).toBeUndefined();
  });

  test('values JSON cannot hold are dropped as JSON drops them', () => {
    const contract = ContractDocument.fromObject({ 'openapi': '3.0.3', 'paths': {}, 'x-when': new Date('2026-01-01T00:00:00Z'), 'x-none': undefined });
    expect(contract.document).toEqual({ 'openapi': '3.0.3', 'paths': {}, 'x-when': '2026-01-01T00:00:00.000Z' });
  });

  test('the same document from a file and from its object', () => {
    const fromFile = ContractDocument.fromFile(CONTRACT);
    expect(ContractDocument.fromObject(fromFile.document).document).toEqual(fromFile.document);
  });
});
