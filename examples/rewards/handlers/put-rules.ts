import { ForbiddenError } from '@cdk-rampart/lambda-kit';
import { rewardsApi } from './http/route';
import { RulesEdit } from '../domain/model';
import { editRules } from '../domain/rules';
import { ADMIN_GROUP } from '../domain/settings';
import { rulesRepository } from '../storage/clients';

/**
 * `PUT /rules` (admins): `{ expectedVersion, rules }` creates the rules (expectedVersion 0) or
 * replaces the current version with the next; a stale expectedVersion is a 409, nothing written.
 */
export const handler = rewardsApi({
  body: RulesEdit,
  handle: ({ body, caller }) => {
    // The group authorizer checks this on AWS; the function checks again (and the local run has no authorizer).
    if (!caller.groups.includes(ADMIN_GROUP)) throw new ForbiddenError(`Requires membership of ${ADMIN_GROUP}`);
    return editRules(rulesRepository(), body, caller.userId);
  },
});
