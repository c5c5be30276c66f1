import { rewardsPublicApi } from './http/route';
import { SignUpRequest, signUp } from '../domain/onboarding';
import { onboardingStores } from '../storage/clients';

/**
 * `POST /sign-ups` (public): signs a user up as one kind (civilian, officer, merchant, charity,
 * family) once the ID verifier has checked their evidence (and, for charities and families, the
 * catalog lists them): 201 `{ userId, kind }`; 422 unverified or not listed, 409 already signed
 * up, nothing created. The user is then e-mailed a temporary password by Cognito.
 */
export const handler = rewardsPublicApi({
  body: SignUpRequest,
  successStatus: 201,
  handle: ({ body }) => signUp(onboardingStores(), body),
});
