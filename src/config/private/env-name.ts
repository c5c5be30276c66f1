/** Environment variable names: upper case, digits and underscores, not starting with a digit, not AWS_ (reserved by Lambda). */
export function envNameProblems(prop: string, envName: string): string[] {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(envName) || envName.startsWith('AWS_')) {
    return [`${prop}: '${envName}' is not allowed; use A-Z 0-9 _ (not starting with a digit or AWS_), e.g. 'PASS_RULES_PARAM'`];
  }
  return [];
}
