import { DEFAULT_PROVIDERS } from '@aws-lambda-powertools/parameters/base';
import { getSecret, SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { getParameter, SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { parse, type $ZodType as ZodType, type output } from 'zod/v4/core';
import { bounded, sdkClientConfig } from './aws';

const MAX_AGE_SECONDS = 300;

/**
 * The providers behind getParameter / getSecret, created with the handlers' SDK limits (bounded
 * timeouts and attempts) instead of the SDK's defaults; registered as Powertools' default providers,
 * so its clearCaches() still applies.
 */
function useBoundedProviders(): void {
  if (!Object.hasOwn(DEFAULT_PROVIDERS, 'ssm')) DEFAULT_PROVIDERS.ssm = new SSMProvider({ awsSdkV3Client: bounded(new SSMClient(sdkClientConfig())) });
  if (!Object.hasOwn(DEFAULT_PROVIDERS, 'secrets')) {
    DEFAULT_PROVIDERS.secrets = new SecretsProvider({ awsSdkV3Client: bounded(new SecretsManagerClient(sdkClientConfig())) });
  }
}

function nameFrom(envName: string): string {
  const name = process.env[envName];
  if (!name) throw new Error(`Configuration: environment variable ${envName} is not set (bind the ConfigParameter/ConfigSecret to this function)`);
  useBoundedProviders();
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
