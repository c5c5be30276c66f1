import { Validation } from '../../private/validation';

/** Environment variable names: upper case, digits and underscores, not starting with a digit, not AWS_ (reserved by Lambda). */
export function validateEnvName(v: Validation, prop: string, envName: string): void {
  v.check(prop, envName, /^[A-Z_][A-Z0-9_]*$/.test(envName) && !envName.startsWith('AWS_'),
    "A-Z 0-9 _ (not starting with a digit or AWS_), e.g. 'PASS_RULES_PARAM'", 'is not an environment variable name');
}
