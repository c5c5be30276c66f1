import { NoBody } from './http/requests';
import { rewardsApi } from './http/route';
import { readRules } from '../domain/rules';
import { rulesRepository } from '../storage/clients';

/** `GET /rules`: the current business rules and their version; 404 before the first create. */
export const handler = rewardsApi({ body: NoBody, handle: () => readRules(rulesRepository()) });
