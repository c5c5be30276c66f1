/**
 * The Cognito groups of a caller, from the `cognito:groups` claim as it reaches a function or a
 * local run: a JSON array (the token itself, a decoded JWT), a comma list (TracedApi's group
 * authorizer passes `a,b`), or the space list in brackets API Gateway's Cognito authorizer passes
 * (`[a b]`). Empty entries are dropped; no claim is no groups.
 */
export function cognitoGroups(claims: Record<string, unknown> | null | undefined): string[] {
  const raw = claims?.['cognito:groups'];
  if (Array.isArray(raw)) return raw.map(String).filter(Boolean);
  if (raw === undefined || raw === null) return [];
  return String(raw).replace(/^\[|\]$/g, '').split(/[,\s]+/).filter(Boolean);
}
