import type { Caller } from '../caller';
import type { PassItem } from '../model';

/** A document as a registration names it. */
export interface Document {
  readonly nationalIdType: string;
  readonly nationalIdNumber: string;
}

/**
 * Why a reviewer may not decide this pass, or undefined: nobody decides their own pass (`owner`),
 * or one they travel on (`traveller`: listed by their account, or by their registered document).
 */
export function conflictOfInterest(pass: Pick<PassItem, 'ownerSub' | 'travellers'>, caller: Pick<Caller, 'sub'>, document?: Document): 'owner' | 'traveller' | undefined {
  if (pass.ownerSub === caller.sub) return 'owner';
  const listed = pass.travellers.some((t) => t.sub === caller.sub
    || (document !== undefined && t.nationalIdType === document.nationalIdType && t.nationalIdNumber === document.nationalIdNumber));
  return listed ? 'traveller' : undefined;
}
