import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { SimpleFetcher, type Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import { groupAuthorizer } from '../../src/api/group-authorizer.lambda';

// jose 6 is an ES module only; Node loads it with require() (SWC transforms it for jest).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { exportJWK, generateKeyPair, SignJWT } = require('jose') as typeof Jose;
type CryptoKey = Jose.CryptoKey;

// The authorizer verifies real Cognito-shaped tokens, signed here with jose, against a JWKS served
// over HTTPS on 127.0.0.1 (aws-jwt-verify fetches keys over HTTPS only; the test trusts its own
// self-signed certificate). Nothing is mocked.

const POOL_ID = 'eu-west-2_RampartT1';
const ISSUER = `https://cognito-idp.eu-west-2.amazonaws.com/${POOL_ID}`;
const METHOD_ARN = 'arn:aws:execute-api:eu-west-2:123456789012:abc123/v1/POST/verify';
const KID = 'pool-key-1';

let server: https.Server;
let jwksUri: string;
let poolKey: CryptoKey;
let forgerKey: CryptoKey;
let authorize: ReturnType<typeof groupAuthorizer>;
let jwksRequests = 0;

/** aws-jwt-verify's own HTTPS fetcher, sent to the local JWKS instead of the pool's, trusting the test's certificate. */
function localPoolKeys(ca: Buffer): Fetcher {
  const inner = new SimpleFetcher({ defaultRequestOptions: { ca } });
  return {
    fetch: (uri, options, data) => {
      if (uri !== `${ISSUER}/.well-known/jwks.json`) throw new Error(`unexpected JWKS ${uri}`);
      return inner.fetch(jwksUri, options, data);
    },
  };
}

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-authorizer-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  const cert = fs.readFileSync(path.join(dir, 'cert.pem'));
  const pair = await generateKeyPair('RS256', { extractable: true });
  poolKey = pair.privateKey;
  forgerKey = (await generateKeyPair('RS256')).privateKey;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] });
  server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert }, (req, res) => {
    jwksRequests++;
    res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' }).end(req.url === '/jwks.json' ? jwks : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUri = `https://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  authorize = groupAuthorizer({
    userPoolId: POOL_ID,
    jwksCache: new SimpleJwksCache({ fetcher: localPoolKeys(cert) }),
    routes: {
      'POST /verify': { groups: ['police'] },
      'POST /passes/{passId}/revoke': { groups: ['reviewer', 'admin'] },
      'PUT /reset': { groups: ['staff'], scopes: ['counter/reset'] },
    },
  });
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface TokenOptions {
  readonly groups?: string[];
  readonly key?: CryptoKey;
  readonly issuer?: string;
  readonly expiresIn?: number;
  readonly tokenUse?: 'id' | 'access';
  readonly scope?: string;
}

async function token(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    'token_use': options.tokenUse ?? 'id',
    'cognito:username': 'pat',
    'email': 'pat@example.gov',
    ...(options.groups ? { 'cognito:groups': options.groups } : {}),
    ...(options.scope ? { scope: options.scope, client_id: 'web' } : { aud: 'web' }),
  })
    .setProtectedHeader({ alg: 'RS256', kid: KID })
    .setSubject('sub-pat')
    .setIssuer(options.issuer ?? ISSUER)
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (options.expiresIn ?? 600))
    .sign(options.key ?? poolKey);
}

function event(authorization: string | undefined, method = 'POST', resource = '/verify'): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    resource,
    path: resource,
    httpMethod: method,
    headers: authorization === undefined ? {} : { Authorization: authorization },
    multiValueHeaders: {},
    pathParameters: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

describe('group authorizer (TracedApi requiredGroups)', () => {
  test('allows a genuine token holding the group, for this method ARN only, with the claims as context', async () => {
    const result = await authorize(event(`Bearer ${await token({ groups: ['police'] })}`));
    expect(result.principalId).toBe('sub-pat');
    expect(result.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }]);
    expect(result.context).toMatchObject({ 'sub': 'sub-pat', 'email': 'pat@example.gov', 'cognito:groups': 'police' });
    expect(jwksRequests).toBeGreaterThan(0);
  });

  test('takes the bare token too (as API Gateway\'s Cognito authorizer does), and any of the groups', async () => {
    const result = await authorize(event(await token({ groups: ['citizen', 'admin'] }), 'POST', '/passes/{passId}/revoke'));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
    expect(result.context?.['cognito:groups']).toBe('citizen,admin');
  });

  test('denies (403) a genuine token without the group, and one with no groups at all', async () => {
    for (const groups of [['reviewer'], undefined]) {
      const result = await authorize(event(`Bearer ${await token({ groups })}`));
      expect(result.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: METHOD_ARN }]);
      expect(result.context).toBeUndefined();
    }
  });

  test('rejects (401) an expired token even with the group', async () => {
    await expect(authorize(event(`Bearer ${await token({ groups: ['police'], expiresIn: -120 })}`))).rejects.toThrow('Unauthorized');
  });

  test('rejects (401) a forged token (right kid and claims, another key) and a tampered payload', async () => {
    await expect(authorize(event(`Bearer ${await token({ groups: ['police'], key: forgerKey })}`))).rejects.toThrow('Unauthorized');
    const [header, , signature] = (await token({ groups: ['citizen'] })).split('.');
    const payload = Buffer.from(JSON.stringify({ 'sub': 'sub-pat', 'iss': ISSUER, 'token_use': 'id', 'cognito:groups': ['police'], 'exp': Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    await expect(authorize(event(`Bearer ${header}.${payload}.${signature}`))).rejects.toThrow('Unauthorized');
  });

  test('rejects (401) a token of another user pool, no token, and garbage', async () => {
    await expect(authorize(event(`Bearer ${await token({ groups: ['police'], issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Other' })}`))).rejects.toThrow('Unauthorized');
    await expect(authorize(event(undefined))).rejects.toThrow('Unauthorized');
    await expect(authorize(event('Bearer not-a-jwt'))).rejects.toThrow('Unauthorized');
  });

  test('denies a route it has no rule for, whatever the token holds', async () => {
    const result = await authorize(event(`Bearer ${await token({ groups: ['police', 'admin'] })}`, 'GET', '/stats'));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
  });

  test('a route with scopes needs an access token holding one of them, and the group', async () => {
    const reset = (t: string) => authorize(event(`Bearer ${t}`, 'PUT', '/reset'));
    expect((await reset(await token({ groups: ['staff'], tokenUse: 'access', scope: 'openid counter/reset' }))).policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
    expect((await reset(await token({ groups: ['staff'], tokenUse: 'access', scope: 'openid' }))).policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    // An ID token carries no scopes: refused like an access token without the scope.
    expect((await reset(await token({ groups: ['staff'] }))).policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    expect((await reset(await token({ groups: ['citizen'], tokenUse: 'access', scope: 'counter/reset' }))).policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
  });
});
