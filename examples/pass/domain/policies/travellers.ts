import { RuleRefusal, type Problem } from '../errors';
import type { StoredTraveller, TravellerInput } from '../model';
import type { Document } from './conflict-of-interest';

/** What the registrations say about a registered traveller the applicant names. */
export interface ListingAnswer {
  /** Who registered the document, if anyone. */
  readonly owner?: { readonly sub: string; readonly name: string };
  /** Whether its holder allows the applicant (by the applicant's document) to list them. */
  readonly allowed: boolean;
}

/** The applicant as their registration names them. */
export interface Applicant extends Document {
  readonly sub: string;
  readonly name: string;
}

const sameDocument = (a: Document, b: Document) => a.nationalIdType === b.nationalIdType && a.nationalIdNumber === b.nationalIdNumber;

/** A dependant's name as it identifies them: case and runs of spaces do not make another child. */
export function dependantName(name: string): string {
  return name.toLowerCase().replace(/\s+/g, ' ');
}

/** Who a stored traveller is, for "each person once": their document, or the declaring account's dependant. */
export function personIdOf(t: StoredTraveller, ownerSub: string): string {
  return t.kind === 'dependant' ? `dependant#${ownerSub}#${dependantName(t.name)}#${t.dateOfBirth}` : `${t.nationalIdType}#${t.nationalIdNumber}`;
}

/** The documents of the registered travellers the registrations must answer for (the applicant's own aside). */
export function documentsToLookUp(applicant: Document, travellers: readonly TravellerInput[]): Document[] {
  return travellers.flatMap((t) => (t.kind === 'registered' && !sameDocument(t, applicant)
    ? [{ nationalIdType: t.nationalIdType, nationalIdNumber: t.nationalIdNumber }] : []));
}

/**
 * The travellers of an application as the pass stores them. Never free text: the applicant (named
 * by their registration, also when listed by their own document), a registered person who allowed
 * this applicant to list them (name and account from their registration), or a dependant as
 * declared. Anyone else is refused, with one message whether the document is unregistered or its
 * holder has not agreed, so the answer tells nobody who is registered; so is a person listed twice.
 */
export function resolveTravellers(
  applicant: Applicant, travellers: readonly TravellerInput[], answerFor: (document: Document) => ListingAnswer | undefined,
): StoredTraveller[] {
  const self: StoredTraveller = { kind: 'applicant', name: applicant.name, sub: applicant.sub, nationalIdType: applicant.nationalIdType, nationalIdNumber: applicant.nationalIdNumber };
  const problems: Problem[] = [];
  const resolved = travellers.map((t, i): StoredTraveller | undefined => {
    if (t.kind === 'applicant') return self;
    if (t.kind === 'dependant') return { kind: 'dependant', name: t.name, dateOfBirth: t.dateOfBirth };
    if (sameDocument(t, applicant)) return self;
    const answer = answerFor(t);
    if (!answer?.owner || !answer.allowed) {
      problems.push({ path: `travellers.${i}`, message: 'not a registered person who has allowed you to list them (they allow it on their own page)' });
      return undefined;
    }
    return { kind: 'registered', name: answer.owner.name, sub: answer.owner.sub, nationalIdType: t.nationalIdType, nationalIdNumber: t.nationalIdNumber };
  });
  if (problems.length) throw new RuleRefusal('Some travellers cannot be listed; nothing was stored', problems);
  const stored = resolved as StoredTraveller[];
  const ids = stored.map((t) => personIdOf(t, applicant.sub));
  if (new Set(ids).size !== ids.length) {
    throw new RuleRefusal('Each traveller once; nothing was stored', [{ path: 'travellers', message: 'a traveller is listed twice' }]);
  }
  return stored;
}
