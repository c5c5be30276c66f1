import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { tokenGroups } from '../../examples/pass/domain/staff-mfa';
import { handler } from '../../examples/pass/handlers/staff-token';

// Cognito itself does not run here: its AdminGetUser answer is mocked (aws-sdk-client-mock); the
// trigger's decision is the code under test.
const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());

function event(groups: string[]): PreTokenGenerationTriggerEvent {
  return {
    version: '1',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-west-2',
    userPoolId: 'eu-west-2_Pass',
    userName: 'pat',
    callerContext: { awsSdkVersion: '3', clientId: 'web' },
    request: { userAttributes: { sub: 'pat-sub' }, groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: undefined } },
    response: { claimsOverrideDetails: {} },
  } as unknown as PreTokenGenerationTriggerEvent;
}

describe('staff groups need TOTP MFA (pre token generation)', () => {
  test('tokenGroups: staff groups only with TOTP enabled; other groups always', () => {
    expect(tokenGroups(['police'], ['SOFTWARE_TOKEN_MFA'])).toEqual({ groups: ['police'], dropped: [] });
    expect(tokenGroups(['police', 'volunteers'], [])).toEqual({ groups: ['volunteers'], dropped: ['police'] });
    expect(tokenGroups(['reviewer', 'admin'], ['SMS_MFA'])).toEqual({ groups: [], dropped: ['reviewer', 'admin'] });
    expect(tokenGroups(['admin'], undefined)).toEqual({ groups: [], dropped: ['admin'] });
  });

  test('a reviewer without MFA gets a token without the reviewer group', async () => {
    cognito.on(AdminGetUserCommand, { UserPoolId: 'eu-west-2_Pass', Username: 'pat' }).resolves({ Username: 'pat', UserMFASettingList: [] });
    const result = await handler(event(['reviewer']));
    expect(result.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual([]);
  });

  test('a police officer with TOTP keeps the police group', async () => {
    cognito.on(AdminGetUserCommand).resolves({ Username: 'pat', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'], PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' });
    const result = await handler(event(['police']));
    expect(result.response.claimsOverrideDetails?.groupOverrideDetails).toBeUndefined();
  });

  test('when the MFA settings cannot be read, staff groups are withheld (fail closed), and the sign-in still works', async () => {
    cognito.on(AdminGetUserCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const result = await handler(event(['admin']));
    expect(result.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual([]);
  });

  test('citizens (no staff group) are not looked up at all', async () => {
    const result = await handler(event([]));
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
    expect(result.response.claimsOverrideDetails?.groupOverrideDetails).toBeUndefined();
  });
});
