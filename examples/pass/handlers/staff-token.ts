import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { logger, sdkClientConfig, tracer } from '@cdk-rampart/lambda-kit';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { STAFF_GROUPS, tokenGroups } from '../domain/staff-mfa';

const cognito = tracer.captureAWSv3Client(new CognitoIdentityProviderClient(sdkClientConfig()));

/**
 * The user pool's pre-token-generation trigger (every sign-in and every token refresh): staff
 * groups (reviewer, police, admin) go into a token only when the user has TOTP MFA enabled, which
 * Cognito then required at this sign-in. Otherwise the token carries no staff group, so the group
 * authorizer refuses every staff route: MFA for staff is enforced by the identity setup, not by a
 * manual step. If the user's MFA settings cannot be read, the staff groups are dropped too.
 */
export const handler = async (event: PreTokenGenerationTriggerEvent): Promise<PreTokenGenerationTriggerEvent> => {
  const groups = event.request.groupConfiguration?.groupsToOverride ?? [];
  if (!groups.some((g) => STAFF_GROUPS.includes(g))) return event;
  let mfaSettings: string[] | undefined;
  try {
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: event.userPoolId, Username: event.userName }));
    mfaSettings = user.UserMFASettingList;
  } catch (error) {
    logger.error('Could not read the user\'s MFA settings: staff groups withheld', error as Error);
  }
  const allowed = tokenGroups(groups, mfaSettings);
  if (allowed.dropped.length > 0) {
    logger.warn('Staff groups withheld: no TOTP MFA', { userName: event.userName, dropped: allowed.dropped, trigger: event.triggerSource });
    event.response.claimsOverrideDetails = {
      ...event.response.claimsOverrideDetails,
      groupOverrideDetails: { groupsToOverride: allowed.groups },
    };
  }
  return event;
};
