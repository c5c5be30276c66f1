import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { parse, type $ZodType as ZodType, type output } from 'zod/v4/core';

const MAX_AGE_SECONDS = 300;

function nameFrom(envName: string): string {
  const name = process.env[envName];
  if (!name) throw new Error(`Configuration: environment variable ${envName} is not set (bind the ConfigParameter/ConfigSecret to this function)`);
  return name;
}

/** A JSON ConfigParameter, named by `envName`, validated with `schema`; cached for 5 minutes. */
export async function jsonParameter<S extends ZodType>(envName: string, schema: S): Promise<output<S>> {
  const value = await getParameter(nameFrom(envName), { transform: 'json', maxAge: MAX_AGE_SECONDS });
  return parse(schema, value);
}

/** A plain ConfigParameter, named by `envName`; cached for 5 minutes. */
export async function stringParameter(envName: string): Promise<string> {
  const value = await getParameter(nameFrom(envName), { maxAge: MAX_AGE_SECONDS });
  if (value === undefined) throw new Error(`Configuration: parameter of ${envName} has no value`);
  return value;
}

/** A ConfigSecret's value, named by `envName`; cached for 5 minutes. */
export async function secretValue(envName: string): Promise<string> {
  const value = await getSecret(nameFrom(envName), { maxAge: MAX_AGE_SECONDS });
  if (typeof value !== 'string') throw new Error(`Configuration: secret of ${envName} is not a string`);
  return value;
}
