import { HttpError } from '@cdk-rampart/lambda-kit';
import * as fc from 'fast-check';
import { Conflict, InvalidRequest, NotFound, NotPermitted, Refusal, RuleRefusal, Unavailable } from '../../examples/pass/domain/errors';
import type { PassItem, StoredTraveller, TravellerInput } from '../../examples/pass/domain/model';
import { evaluate } from '../../examples/pass/domain/policies/approval-rules';
import { conflictOfInterest } from '../../examples/pass/domain/policies/conflict-of-interest';
import { quotaFor, shardCaps, shardOrder } from '../../examples/pass/domain/policies/district-quota';
import { documentHint, judge, judgeToken, travellerHints } from '../../examples/pass/domain/policies/roadside';
import { keptOnList, overCap, overlapping, type ActivePass } from '../../examples/pass/domain/policies/travel-time';
import { documentsToLookUp, personIdOf, resolveTravellers, type ListingAnswer } from '../../examples/pass/domain/policies/travellers';
import { DEFAULT_RULES } from '../../examples/pass/domain/settings';
import { daysBetween } from '../../examples/pass/domain/stats';
import { httpErrorOf } from '../../examples/pass/handlers/http/errors';

/** The pass system's policies as plain functions: no engine, no clock, no HTTP (`RAMPART_ENGINES=none`). */

const rules = { ...DEFAULT_RULES, autoReject: ['other'] } as Parameters<typeof evaluate>[1];

describe('approval rules', () => {
  test('a pass longer than its reason allows is rejected, even for a reason approved outright', () => {
    expect(evaluate({ reason: 'medical', durationMinutes: 481 }, rules)).toEqual({ outcome: 'reject', why: 'A medical pass lasts at most 480 minutes' });
    expect(evaluate({ reason: 'medical', durationMinutes: 480 }, rules).outcome).toBe('approve');
  });

  test('reasons rejected outright, approved outright, and the rest to a reviewer', () => {
    expect(evaluate({ reason: 'other', durationMinutes: 60 }, rules)).toEqual({ outcome: 'reject', why: 'Passes for other are not issued now' });
    expect(evaluate({ reason: 'emergency', durationMinutes: 60 }, rules)).toEqual({ outcome: 'approve', why: 'Approved automatically: emergency' });
    expect(evaluate({ reason: 'work', durationMinutes: 60 }, rules)).toEqual({ outcome: 'review', why: 'A reviewer decides passes for work' });
  });

  test('a reason without a duration limit has none', () => {
    expect(evaluate({ reason: 'work', durationMinutes: 1440 }, { ...rules, maxDurationMinutes: {} }).outcome).toBe('review');
  });
});

describe('district quota', () => {
  test('a district\'s own quota (0 included) before the default', () => {
    const r = { dailyQuotaPerDistrict: 100, districtQuotas: { north: 5, closed: 0 } };
    expect(quotaFor(r, 'north')).toBe(5);
    expect(quotaFor(r, 'closed')).toBe(0);
    expect(quotaFor(r, 'south')).toBe(100);
  });

  test('the quota is split exactly over at most `shards` shards, none of them empty', () => {
    expect(shardCaps(25, 10)).toEqual([3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
    expect(shardCaps(3, 10)).toEqual([1, 1, 1]);
    expect(shardCaps(0, 10)).toEqual([]);
    fc.assert(fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 100 }), (quota, shards) => {
      const caps = shardCaps(quota, shards);
      expect(caps.reduce((a, b) => a + b, 0)).toBe(quota);
      expect(caps.length).toBe(Math.min(quota, shards));
      expect(caps.every((c) => c >= 1)).toBe(true);
      if (caps.length > 0) expect(Math.max(...caps) - Math.min(...caps)).toBeLessThanOrEqual(1);
    }), { seed: 16, numRuns: 200 });
  });

  test('shards are tried from the pass\'s own, each once', () => {
    expect(shardOrder(3, 5)).toEqual([3, 4, 0, 1, 2]);
    expect(shardOrder(0, 1)).toEqual([0]);
    expect(shardOrder(0, 0)).toEqual([]);
  });
});

const at = (h: number, m = 0) => new Date(Date.UTC(2026, 11, 2, h, m)).toISOString();
const window = (passId: string, from: string, to: string) => ({ passId, startTime: from, endTime: to });
const active = (passId: string, start: string, end: string): ActivePass => ({ passId, start, end });

describe('travel time', () => {
  const mine = window('NEW', at(10), at(12));

  test('an approved pass of any traveller overlapping the window is found; touching ends are not an overlap', () => {
    expect(overlapping(mine, [{ active: [active('A', at(8), at(10)), active('B', at(12), at(13))] }])).toBeUndefined();
    expect(overlapping(mine, [{ active: [active('A', at(8), at(10))] }, { active: [active('C', at(11, 59), at(13))] }])).toBe('C');
    expect(overlapping(mine, [{ active: [active('D', at(9), at(13))] }])).toBe('D');
  });

  test('the pass itself is never its own overlap (a redelivered approval)', () => {
    expect(overlapping(mine, [{ active: [active('NEW', at(10), at(12))] }])).toBeUndefined();
  });

  test('the per-person cap counts approved passes starting on the same day, the pass itself aside', () => {
    const three = [active('A', at(1), at(2)), active('B', at(3), at(4)), active('C', at(5), at(6))];
    expect(overCap(mine, [{ active: [] }, { active: three }], 3)).toBe(1);
    expect(overCap(mine, [{ active: three }], 4)).toBeUndefined();
    const yesterday = active('Y', '2026-12-01T23:00:00.000Z', at(1));
    expect(overCap(mine, [{ active: [yesterday, ...three.slice(1)] }], 3)).toBeUndefined();
    expect(overCap(mine, [{ active: [active('NEW', at(10), at(12)), ...three.slice(1)] }], 3)).toBeUndefined();
  });

  test('a traveller\'s list keeps running passes and today\'s, and drops ended ones of past days', () => {
    const now = new Date(at(9));
    const endedYesterday = active('old', '2026-12-01T08:00:00.000Z', '2026-12-01T09:00:00.000Z');
    const runningFromYesterday = active('night', '2026-12-01T23:00:00.000Z', at(10));
    const endedToday = active('dawn', at(5), at(6));
    const later = active('later', at(14), at(15));
    expect(keptOnList([endedYesterday, runningFromYesterday, endedToday, later], now)).toEqual([runningFromYesterday, endedToday, later]);
  });
});

const pass = (over: Partial<PassItem> = {}): PassItem => ({
  passId: 'P',
  ownerSub: 'owner',
  holderName: 'Ada',
  travellers: [{ kind: 'applicant', name: 'Ada', sub: 'owner', nationalIdType: 'national-id', nationalIdNumber: 'ADA00001' }],
  from: { address: 'a', district: 'north' },
  to: { address: 'b', district: 'south' },
  startTime: at(10),
  endTime: at(12),
  durationMinutes: 120,
  reason: 'work',
  status: 'approved',
  createdAt: at(9),
  token: 'T1',
  ...over,
});

describe('conflict of interest', () => {
  const traveller: StoredTraveller = { kind: 'registered', name: 'Rae', sub: 'rae', nationalIdType: 'passport', nationalIdNumber: 'RAE00001' };

  test('a reviewer may not decide their own pass, nor one they travel on by account or by document', () => {
    expect(conflictOfInterest(pass(), { sub: 'owner' })).toBe('owner');
    expect(conflictOfInterest(pass({ travellers: [traveller] }), { sub: 'rae' })).toBe('traveller');
    expect(conflictOfInterest(pass({ travellers: [{ ...traveller, sub: 'other-account' }] }), { sub: 'staff-rae' }, { nationalIdType: 'passport', nationalIdNumber: 'RAE00001' })).toBe('traveller');
    expect(conflictOfInterest(pass({ travellers: [traveller] }), { sub: 'rex' }, { nationalIdType: 'national-id', nationalIdNumber: 'RAE00001' })).toBeUndefined();
  });
});

describe('travellers', () => {
  const applicant = { sub: 'ada', name: 'Ada Citizen', nationalIdType: 'national-id', nationalIdNumber: 'ADA00001' };
  const registered = (nationalIdNumber: string): TravellerInput => ({ kind: 'registered', nationalIdType: 'national-id', nationalIdNumber });
  const answers: Record<string, ListingAnswer> = {
    BOB00001: { owner: { sub: 'bob', name: 'Bob Registered' }, allowed: true },
    CAT00001: { owner: { sub: 'cat', name: 'Cat Registered' }, allowed: false },
  };
  const answerFor = (d: { nationalIdNumber: string }) => answers[d.nationalIdNumber];

  test('the applicant, a registered person who allowed it (named by their registration) and a dependant as declared', () => {
    const stored = resolveTravellers(applicant, [{ kind: 'applicant' }, registered('BOB00001'), { kind: 'dependant', name: 'Dee', dateOfBirth: '2020-01-01' }], answerFor);
    expect(stored).toEqual([
      { kind: 'applicant', name: 'Ada Citizen', sub: 'ada', nationalIdType: 'national-id', nationalIdNumber: 'ADA00001' },
      { kind: 'registered', name: 'Bob Registered', sub: 'bob', nationalIdType: 'national-id', nationalIdNumber: 'BOB00001' },
      { kind: 'dependant', name: 'Dee', dateOfBirth: '2020-01-01' },
    ]);
  });

  test('the applicant\'s own document is the applicant, and is never looked up', () => {
    expect(resolveTravellers(applicant, [registered('ADA00001')], () => undefined)[0].kind).toBe('applicant');
    expect(documentsToLookUp(applicant, [registered('ADA00001'), registered('BOB00001'), { kind: 'applicant' }])).toEqual([{ nationalIdType: 'national-id', nationalIdNumber: 'BOB00001' }]);
  });

  test('an unregistered document and one whose holder did not agree are refused alike, each by its place', () => {
    let refusal: unknown;
    try {
      resolveTravellers(applicant, [{ kind: 'applicant' }, registered('CAT00001'), registered('NOBODY01')], answerFor);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(RuleRefusal);
    const problems = (refusal as RuleRefusal).problems!;
    expect(problems.map((p) => p.path)).toEqual(['travellers.1', 'travellers.2']);
    expect(problems[0].message).toBe(problems[1].message);
  });

  test('each person once: the applicant listed by kind and by document, or one child spelt twice', () => {
    expect(() => resolveTravellers(applicant, [{ kind: 'applicant' }, registered('ADA00001')], answerFor)).toThrow(/Each traveller once/);
    expect(() => resolveTravellers(applicant, [{ kind: 'dependant', name: 'Dee  Small', dateOfBirth: '2020-01-01' }, { kind: 'dependant', name: 'dee small', dateOfBirth: '2020-01-01' }], answerFor)).toThrow(/Each traveller once/);
    expect(personIdOf({ kind: 'dependant', name: 'Dee', dateOfBirth: '2020-01-01' }, 'ada')).not.toBe(personIdOf({ kind: 'dependant', name: 'Dee', dateOfBirth: '2020-01-01' }, 'bo'));
  });
});

describe('roadside', () => {
  test('an officer sees a document\'s type and last 4 characters, never more than half of a short number', () => {
    expect(documentHint('passport', 'X1234567')).toEqual({ type: 'passport', last: '4567' });
    expect(documentHint('national-id', 'AB12')).toEqual({ type: 'national-id', last: '12' });
    expect(travellerHints([{ kind: 'dependant', name: 'Dee', dateOfBirth: '2020-01-01' }, { kind: 'applicant', name: 'Ada', nationalIdType: 'passport', nationalIdNumber: 'X1234567' }])).toEqual([
      { name: 'Dee', kind: 'dependant', dateOfBirth: '2020-01-01' },
      { name: 'Ada', kind: 'applicant', document: { type: 'passport', last: '4567' } },
    ]);
  });

  test('the stored pass decides: unknown, revoked, not approved, not yet valid, valid to the minute before its end, expired', () => {
    expect(judge(undefined, new Date(at(11)))).toBe('unknown');
    expect(judge(pass({ status: 'revoked' }), new Date(at(11)))).toBe('revoked');
    expect(judge(pass({ status: 'needs-review' }), new Date(at(11)))).toBe('not-approved');
    expect(judge(pass(), new Date(at(9, 59)))).toBe('not-yet-valid');
    expect(judge(pass(), new Date(at(10)))).toBe('valid');
    expect(judge(pass(), new Date(at(12)))).toBe('expired');
  });

  test('a genuine QR text that is no longer the pass\'s current one answers revoked', () => {
    expect(judgeToken(pass(), 'T0', new Date(at(11)))).toBe('revoked');
    expect(judgeToken(pass(), 'T1', new Date(at(11)))).toBe('valid');
    expect(judgeToken(pass({ status: 'rejected', token: undefined }), 'T1', new Date(at(11)))).toBe('not-approved');
  });
});

describe('statistics range', () => {
  test('the days from one date to another, at most 31, refused otherwise', () => {
    expect(daysBetween('2026-11-30', '2026-12-02')).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
    expect(daysBetween('2026-01-01', '2026-01-31')).toHaveLength(31);
    expect(() => daysBetween('2026-01-01', '2026-02-01')).toThrow(InvalidRequest);
    expect(() => daysBetween('2026-12-02', '2026-12-01')).toThrow(InvalidRequest);
  });
});

describe('HTTP mapping of domain refusals', () => {
  test('each kind of refusal has its status, with the message and field problems as the domain gave them', () => {
    const problems = [{ path: 'travellers.1', message: 'no' }];
    const cases: [Refusal, number, string][] = [
      [new InvalidRequest('Invalid cursor'), 400, 'BadRequest'],
      [new NotPermitted('Not yours'), 403, 'Forbidden'],
      [new NotFound('No pass X'), 404, 'NotFound'],
      [new Conflict('Decided'), 409, 'Conflict'],
      [new RuleRefusal('Cannot list', problems), 422, 'Unprocessable'],
      [new Unavailable('Identity service down'), 503, 'ServiceUnavailable'],
    ];
    for (const [refusal, status, code] of cases) {
      const http = httpErrorOf(refusal) as HttpError;
      expect(http).toBeInstanceOf(HttpError);
      expect([http.statusCode, http.code, http.message]).toEqual([status, code, refusal.message]);
      expect(http.details).toEqual(refusal.problems);
    }
    expect((httpErrorOf(new Unavailable('x')) as unknown as { retryAfterSeconds: number }).retryAfterSeconds).toBe(5);
  });

  test('anything that is not a refusal goes on as it is (an outage is 503, the rest 500, by the handler kit)', () => {
    const other = new Error('boom');
    expect(httpErrorOf(other)).toBe(other);
  });
});
