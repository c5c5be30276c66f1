import * as fs from 'fs';
import * as path from 'path';
import { issueEncounterCode, verifyEncounterCode } from '../../examples/rewards/domain/encounter-codes';
import { Refusal } from '../../examples/rewards/domain/errors';
import { RuleSet, TransactionRequest } from '../../examples/rewards/domain/model';
import { inWindow, PARTIES, price, STARTER_RULES, type TransactionDraft } from '../../examples/rewards/domain/policies/pricing';

/** The rewards platform's pricing rules and encounter codes as plain functions: no engine. */

const draft = (overrides: Partial<TransactionDraft> = {}): TransactionDraft => ({ transactionId: 'tx-1', kind: 'exchange', from: 'civ-1', to: 'shop-1', units: 3, goods: 'tea', ...overrides });
const NOON = new Date('2026-12-02T12:00:00Z');

function refusal(fn: () => unknown): Refusal {
  try {
    fn();
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('pricing', () => {
  test('each party changes by its points per unit times the units, under the version given', () => {
    const rules = { ...STARTER_RULES, exchange: { ...STARTER_RULES.exchange, fromPointsPerUnit: -2, toPointsPerUnit: 1 } };
    const priced = price(draft(), rules, 7, NOON);
    expect(priced.rulesVersion).toBe(7);
    expect(priced.changes).toEqual([
      { party: 'civ-1', kinds: ['civilian'], delta: -6 },
      { party: 'shop-1', kinds: ['merchant'], delta: 3 },
    ]);
  });

  test('an encounter credits both parties (civilian and officer)', () => {
    const priced = price(draft({ kind: 'encounter', from: 'civ-1', to: 'off-1', units: 1, goods: undefined }), STARTER_RULES, 1, NOON);
    expect(priced.changes.map((c) => c.delta)).toEqual([STARTER_RULES.encounter.fromPointsPerUnit, STARTER_RULES.encounter.toPointsPerUnit]);
    expect(priced.changes.map((c) => c.kinds)).toEqual([PARTIES.encounter.from, PARTIES.encounter.to]);
  });

  test('a disabled kind, a time outside the window, too many units and a self-transaction are refused', () => {
    expect(refusal(() => price(draft(), { ...STARTER_RULES, exchange: { ...STARTER_RULES.exchange, enabled: false } }, 3, NOON)).code).toBe('KindDisabled');
    const windowed = { ...STARTER_RULES, exchange: { ...STARTER_RULES.exchange, window: { startHour: 8, endHour: 12 } } };
    expect(refusal(() => price(draft(), windowed, 1, NOON)).code).toBe('OutsideWindow');
    expect(price(draft(), windowed, 1, new Date('2026-12-02T11:59:59Z')).changes).toHaveLength(2);
    expect(refusal(() => price(draft({ units: 1001 }), STARTER_RULES, 1, NOON)).details).toEqual({ field: 'units', maxUnits: 1000 });
    expect(refusal(() => price(draft({ to: 'civ-1' }), STARTER_RULES, 1, NOON)).code).toBe('SameParty');
  });

  test('a window holds [startHour, endHour) in UTC; no window is always', () => {
    const rule = { ...STARTER_RULES.donation, window: { startHour: 9, endHour: 17 } };
    expect(inWindow(rule, new Date('2026-12-02T09:00:00Z'))).toBe(true);
    expect(inWindow(rule, new Date('2026-12-02T17:00:00Z'))).toBe(false);
    expect(inWindow(STARTER_RULES.donation, new Date('2026-12-02T03:00:00Z'))).toBe(true);
  });
});

describe('rules and requests are data with a shape', () => {
  test('the starter rules parse; a window that ends before it starts, a fraction and an unknown field are refused naming the field', () => {
    expect(RuleSet.parse(STARTER_RULES)).toEqual(STARTER_RULES);
    const bad = RuleSet.safeParse({ ...STARTER_RULES, giveaway: { ...STARTER_RULES.giveaway, window: { startHour: 10, endHour: 9 } } });
    expect(bad.error?.issues[0].path).toEqual(['giveaway', 'window', 'endHour']);
    expect(RuleSet.safeParse({ ...STARTER_RULES, exchange: { ...STARTER_RULES.exchange, maxUnits: 1.5 } }).error?.issues[0].path).toEqual(['exchange', 'maxUnits']);
    expect(RuleSet.safeParse({ ...STARTER_RULES, refund: STARTER_RULES.exchange }).success).toBe(false);
  });

  test('a transaction request is one of the four kinds, strict, with ids that need no escaping', () => {
    expect(TransactionRequest.safeParse({ kind: 'exchange', transactionId: 'tx-123', merchantId: 'shop-1', units: 1, goods: 'tea' }).success).toBe(true);
    expect(TransactionRequest.safeParse({ kind: 'exchange', transactionId: 'tx-123', merchantId: 'shop-1', units: 1, goods: 'tea', price: 0 }).success).toBe(false);
    expect(TransactionRequest.safeParse({ kind: 'exchange', transactionId: 'tx 1', merchantId: 'shop-1', units: 1, goods: 'tea' }).error?.issues[0].path).toEqual(['transactionId']);
    expect(TransactionRequest.safeParse({ kind: 'refund', transactionId: 'tx-123' }).success).toBe(false);
  });
});

describe('encounter codes', () => {
  const key = new TextEncoder().encode('a-test-key-of-at-least-32-characters!');
  const at = new Date('2026-12-02T12:00:00Z');

  test('a code names its civilian and nonce, valid until its expiry and not a second later', async () => {
    const issued = await issueEncounterCode(key, 'civ-1', 5, at);
    expect(issued.expiresAt.toISOString()).toBe('2026-12-02T12:05:00.000Z');
    const verified = await verifyEncounterCode(key, issued.code, new Date('2026-12-02T12:04:59Z'));
    expect(verified).toEqual({ civilianId: 'civ-1', nonce: issued.nonce, expiresAt: issued.expiresAt });
    await expect(verifyEncounterCode(key, issued.code, new Date('2026-12-02T12:05:01Z'))).rejects.toMatchObject({ code: 'CodeExpired' });
  });

  test('each code has its own nonce; another key\'s code and a non-code are refused with the reason', async () => {
    const [a, b] = await Promise.all([issueEncounterCode(key, 'civ-1', 5, at), issueEncounterCode(key, 'civ-1', 5, at)]);
    expect(a.nonce).not.toBe(b.nonce);
    const other = await issueEncounterCode(new TextEncoder().encode('another-key-of-at-least-32-characters'), 'civ-1', 5, at);
    await expect(verifyEncounterCode(key, other.code, at)).rejects.toMatchObject({ code: 'CodeAltered' });
    await expect(verifyEncounterCode(key, 'eyJhbGciOiJub25lIn0.e30.', at)).rejects.toMatchObject({ code: 'CodeInvalid' });
  });
});

describe('layers', () => {
  test('the domain imports nothing from HTTP, storage or the handler kit', () => {
    const dir = path.join(__dirname, '..', '..', 'examples', 'rewards', 'domain');
    const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      expect([file, /from '(@cdk-rampart\/lambda-kit|\.\.\/(\.\.\/)?(storage|handlers)|@aws-sdk)/.test(text)]).toEqual([file, false]);
    }
  });
});

describe('the Cognito user directory (Cognito does not run locally: its API is mocked here)', () => {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the mock is installed */
  const { mockClient } = require('aws-sdk-client-mock');
  const idp = require('@aws-sdk/client-cognito-identity-provider');
  const { cognitoUserDirectory } = require('../../examples/rewards/storage/user-directory');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const cognito = mockClient(idp.CognitoIdentityProviderClient);
  afterEach(() => cognito.reset());
  afterAll(() => cognito.restore());

  test('creates the user with its e-mail, then adds it to its kind\'s group; the sub is the user id', async () => {
    cognito.on(idp.AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: 'sub-1' }] } });
    cognito.on(idp.AdminAddUserToGroupCommand).resolves({});
    expect(await cognitoUserDirectory('pool-1').ensureUser('civilian.national-id.civ-0001', 'a@example.com', 'civilian')).toEqual({ userId: 'sub-1' });
    expect(cognito.commandCalls(idp.AdminCreateUserCommand)[0].args[0].input).toMatchObject({ UserPoolId: 'pool-1', Username: 'civilian.national-id.civ-0001', UserAttributes: [{ Name: 'email', Value: 'a@example.com' }, { Name: 'email_verified', Value: 'true' }] });
    expect(cognito.commandCalls(idp.AdminAddUserToGroupCommand)[0].args[0].input).toEqual({ UserPoolId: 'pool-1', Username: 'civilian.national-id.civ-0001', GroupName: 'civilian' });
  });

  test('a user left by an interrupted attempt is found, and its group given again', async () => {
    cognito.on(idp.AdminCreateUserCommand).rejects(Object.assign(new Error('exists'), { name: 'UsernameExistsException' }));
    cognito.on(idp.AdminGetUserCommand).resolves({ UserAttributes: [{ Name: 'sub', Value: 'sub-2' }] });
    cognito.on(idp.AdminAddUserToGroupCommand).resolves({});
    expect(await cognitoUserDirectory('pool-1').ensureUser('officer.police-badge.off-0001', 'o@example.com', 'officer')).toEqual({ userId: 'sub-2' });
    expect(cognito.commandCalls(idp.AdminAddUserToGroupCommand)).toHaveLength(1);
  });
});
