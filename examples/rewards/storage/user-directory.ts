import { randomUUID } from 'crypto';
import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminGetUserCommand, CognitoIdentityProviderClient, type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { bounded, sdkClientConfig, tracer } from '@cdk-rampart/lambda-kit';
import type { UserDirectory } from '../domain/onboarding';

let cognito: CognitoIdentityProviderClient | undefined;

const subOf = (attributes: AttributeType[] | undefined) => attributes?.find((a) => a.Name === 'sub')?.Value;

/**
 * The users pool as the directory: `AdminCreateUser` (Cognito e-mails the temporary password;
 * the user sets a password and TOTP at first sign-in), then `AdminAddUserToGroup` with the kind.
 * A username that exists already (an interrupted earlier attempt) is looked up instead, and the
 * group added again (idempotent).
 */
export function cognitoUserDirectory(userPoolId: string): UserDirectory {
  cognito ??= tracer.captureAWSv3Client(bounded(new CognitoIdentityProviderClient(sdkClientConfig())));
  const client = cognito;
  return {
    async ensureUser(username, email, kind) {
      let sub: string | undefined;
      try {
        const out = await client.send(new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: username,
          UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
          DesiredDeliveryMediums: ['EMAIL'],
        }));
        sub = subOf(out.User?.Attributes);
      } catch (error) {
        if ((error as Error).name !== 'UsernameExistsException') throw error;
        sub = subOf((await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }))).UserAttributes);
      }
      if (!sub) throw new Error('Cognito returned a user without a sub');
      await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: kind }));
      return { userId: sub };
    },
  };
}

/**
 * The local run's directory (no Cognito runs locally): users in this process's memory, each with a
 * random id, in the group of its kind. `users` is readable, for the local run to sign them in.
 */
export function memoryUserDirectory(): UserDirectory & { readonly users: Map<string, { userId: string; email: string; kind: string }> } {
  const users = new Map<string, { userId: string; email: string; kind: string }>();
  return {
    users,
    async ensureUser(username, email, kind) {
      const existing = users.get(username);
      if (existing) return { userId: existing.userId };
      const user = { userId: randomUUID(), email, kind };
      users.set(username, user);
      return { userId: user.userId };
    },
  };
}
