import { GROUPS } from './settings';

/** The groups that make a user staff: they must sign in with an authenticator app (TOTP). */
export const STAFF_GROUPS: readonly string[] = [GROUPS.REVIEWER, GROUPS.POLICE, GROUPS.ADMIN];

/** Cognito's name of TOTP MFA in a user's `UserMFASettingList`. */
export const TOTP_MFA = 'SOFTWARE_TOKEN_MFA';

/**
 * The groups a token may carry. The pool's MFA is optional (citizens sign up themselves), and
 * Cognito then asks for the second factor of every user who has one enabled, at every sign-in: so
 * a user with TOTP enabled signed in with it. Anyone else keeps their other groups but loses the
 * staff ones, whatever an administrator added them to: staff without MFA hold citizen tokens.
 */
export function tokenGroups(groups: readonly string[], mfaSettings: readonly string[] | undefined): { groups: string[]; dropped: string[] } {
  const hasTotp = (mfaSettings ?? []).includes(TOTP_MFA);
  const dropped = hasTotp ? [] : groups.filter((g) => STAFF_GROUPS.includes(g));
  return { groups: groups.filter((g) => !dropped.includes(g)), dropped };
}
