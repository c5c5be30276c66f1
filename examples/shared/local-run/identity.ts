import type { IncomingHttpHeaders } from 'http';

/**
 * Who a local request comes from, as API Gateway would hand it to the function: the Cognito claims
 * (`requestContext.authorizer.claims`) for COGNITO routes, the IAM user ARN for IAM routes.
 */
export interface LocalCaller {
  /** Cognito claims (`sub`, `email`, `cognito:groups` as a comma list, ...). */
  readonly claims?: Record<string, string>;
  /** The caller's IAM ARN, for IAM routes. */
  readonly userArn?: string;
}

/**
 * The local stand-in for API Gateway's authorizers: decides who sent a request from its headers,
 * or `undefined` when nobody is signed in (COGNITO and IAM routes then answer 401 / 403).
 */
export interface LocalIdentity {
  callerOf(headers: IncomingHttpHeaders): Promise<LocalCaller | undefined>;
}

/**
 * A fixed set of bearer tokens, each standing for one user: `Authorization: Bearer <token>`.
 * Enough for trying an example with a few personas (a member, a staff member) without Cognito.
 *
 * @example
 * tokenIdentity({ 'alice-token': { claims: { sub: 'alice', 'cognito:groups': 'staff' } } })
 */
export function tokenIdentity(tokens: Record<string, LocalCaller>): LocalIdentity {
  return {
    async callerOf(headers) {
      const match = /^Bearer\s+(\S+)$/i.exec(String(headers.authorization ?? ''));
      return match ? tokens[match[1]] : undefined;
    },
  };
}

/** Nobody is ever signed in: COGNITO and IAM routes refuse every request. */
export const NO_IDENTITY: LocalIdentity = { callerOf: async () => undefined };
