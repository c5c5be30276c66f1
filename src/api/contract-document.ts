import * as fs from 'fs';
import * as path from 'path';
import { described, Validation } from '../private/validation';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * An OpenAPI 3 document (3.0 or 3.1): the contract a `ContractApi` serves. Read from a JSON or
 * YAML file at synth, or given as an object.
 */
export class ContractDocument {
  /**
   * The document in a file: `.json` is read as JSON, `.yaml` / `.yml` (or anything else that is
   * not JSON) as YAML.
   *
   * @param file the file's path, relative to the working directory of the CDK app or absolute
   */
  public static fromFile(file: string): ContractDocument {
    const v = new Validation('ContractDocument', file, 'file');
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf-8');
    } catch (e) {
      v.fail('file', file, 'the path of a readable OpenAPI document (JSON or YAML)', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      v.throwIfInvalid();
    }
    let document: unknown;
    try {
      document = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      v.fail('file', file, 'an OpenAPI document in valid JSON or YAML', `does not parse: ${(e as Error).message.split('\n')[0]}`);
      v.throwIfInvalid();
    }
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      v.fail('file', file, 'an OpenAPI document (an object with openapi and paths)', `holds ${described(Array.isArray(document) ? 'a list' : JSON.stringify(document)).text}`);
      v.throwIfInvalid();
    }
    return new ContractDocument(document as { [key: string]: any }, path.resolve(file));
  }

  /** The document as an object (for example parsed by your own code, or built in TypeScript). */
  public static fromObject(document: { [key: string]: any }): ContractDocument {
    // A copy: the API is built from the document as it was given, whatever the caller changes later.
    return new ContractDocument(JSON.parse(JSON.stringify(document ?? null)), undefined);
  }

  /** The parsed document. */
  public readonly document: { [key: string]: any };
  /** The absolute path of the file it was read from, when it came from a file. */
  public readonly file?: string;

  private constructor(document: { [key: string]: any }, file: string | undefined) {
    this.document = document;
    this.file = file;
  }
}

/**
 * YAML through the `yaml` package aws-cdk-lib bundles (it reads YAML templates with it), so the
 * library adds no dependency of its own; an app's own `yaml` is the fallback.
 */
function parseYaml(text: string): unknown {
  let yaml: { parse(text: string): unknown };
  try {
    const cdkLib = path.dirname(require.resolve('aws-cdk-lib/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    yaml = require(require.resolve('yaml', { paths: [cdkLib, process.cwd()] }));
  } catch {
    throw new Error('no YAML parser found: install the yaml package, or give the document as JSON');
  }
  return yaml.parse(text);
}
