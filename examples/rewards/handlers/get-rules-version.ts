import { BadRequestError } from '@cdk-rampart/lambda-kit';
import { NoBody, VersionParam } from './http/requests';
import { rewardsApi } from './http/route';
import { readRulesVersion } from '../domain/rules';
import { rulesRepository } from '../storage/clients';

/** `GET /rules/{version}`: one version of the rules, current or past (what a transaction recorded). */
export const handler = rewardsApi({
  body: NoBody,
  handle: ({ params }) => {
    const parsed = VersionParam.safeParse(params);
    if (!parsed.success) throw new BadRequestError('Invalid path parameters', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    return readRulesVersion(rulesRepository(), parsed.data.version);
  },
});
