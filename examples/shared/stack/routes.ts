import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TracedApiRoute, TracedFunctionOptions } from '../../../src/api';

/** The repository root (examples/shared/stack/ is three levels down). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * One route of an example's route table: a `TracedApiRoute` whose function is named by its handler
 * file, `examples/<system>/handlers/<handlerName>.ts` (export `handler`). The stack turns it into a
 * `TracedApiRoute` with the bundled code (`tracedApiRoutes`); the local runner calls the same file's
 * `handler` in-process. One table, two runtimes.
 */
export interface ExampleRoute extends Omit<TracedApiRoute, 'code' | 'handler' | 'existingFunction'> {
  /** File name in `examples/<system>/handlers/`, without `.ts`. */
  readonly handlerName: string;
}

/** The bundled handler folder of an example (written by `npx projen examples:build`). */
export function handlerCode(example: string, handlerName: string): lambda.Code {
  const dir = path.join(REPO_ROOT, 'build', 'examples', example, 'handlers', handlerName);
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`${path.relative(REPO_ROOT, dir)}/index.js is missing: run 'npx projen examples:build' (from the repository root) to bundle the ${example} handlers`);
  }
  return lambda.Code.fromAsset(dir);
}

/** The built web folder of an example (written by `npx projen examples:build`). */
export function webContentPath(example: string): string {
  const dir = path.join(REPO_ROOT, 'build', 'examples', example, 'web');
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`${path.relative(REPO_ROOT, dir)}/index.html is missing: run 'npx projen examples:build' (from the repository root) to build the ${example} web pages`);
  }
  return dir;
}

/**
 * The `TracedApiRoute`s of a route table, each function built from its bundled handler, with
 * `functionOptions` merged over the route's own (environment variables merged too).
 */
export function tracedApiRoutes(example: string, routes: ExampleRoute[], functionOptions: TracedFunctionOptions = {}): TracedApiRoute[] {
  return routes.map(({ handlerName, ...route }) => ({
    ...route,
    code: handlerCode(example, handlerName),
    handler: 'index.handler',
    functionOptions: {
      ...functionOptions,
      ...route.functionOptions,
      environment: { ...functionOptions.environment, ...route.functionOptions?.environment },
    },
  }));
}
