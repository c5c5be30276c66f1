import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * A piece of configuration a function reads at run time (an SSM parameter, a secret).
 * `bind` grants the function read access and passes the entry's name in an environment variable.
 */
export interface IConfigEntry {
  /** The environment variable that carries the parameter or secret name to the function. */
  readonly envName: string;
  /** Grant `fn` read access and set `envName` on it. */
  bind(fn: lambda.Function): void;
}
