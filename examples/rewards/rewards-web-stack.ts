import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CATALOG_PREFIX } from './domain/catalog-uploads';
import { REWARDS_SYSTEM } from './system';
import { SecureSite } from '../../src/site';
import { REPO_ROOT, SiteDomain, siteDomainProps } from '../shared/stack';

export interface RewardsWebStackProps extends StackProps {
  /** The rewards API, served below `/<stage>/` of the site's own origin. */
  readonly api: apigateway.RestApi;
  /** The users pool the pages sign in to (its managed login domain and web client are created here). */
  readonly userPool: cognito.IUserPool;
  /** The merchants' catalogs, served below `/catalogs/` of the site's own origin. */
  readonly catalogSite: SecureSite;
  /**
   * The managed login domain's prefix (`<prefix>.auth.<region>.amazoncognito.com`).
   *
   * @default - `rewards-<hash of the stack path>-<account>`
   */
  readonly loginDomainPrefix?: string;
  /**
   * The web apps' custom domain: its names and their us-east-1 certificate (the sign-in callback
   * URLs then use the first name).
   *
   * @default - the distribution's `*.cloudfront.net` name with CloudFront's default certificate
   */
  readonly domain?: SiteDomain;
}

/** The built web apps, or (until they are built) a placeholder page. */
export function rewardsWebContent(): string {
  const built = path.join(REPO_ROOT, 'build', 'examples', REWARDS_SYSTEM.example, 'web');
  return fs.existsSync(path.join(built, 'index.html')) ? built : path.join(__dirname, 'web-placeholder');
}

/**
 * The pages that sign in, as `location.pathname` shows them: each comes back from managed login
 * to itself (web/lib/auth.ts), so each is a callback and logout URL of the client.
 */
export function rewardsSignInPaths(): string[] {
  const pages = fs.readdirSync(path.join(__dirname, 'web')).filter((f) => f.endsWith('.html')).sort();
  return ['/', ...pages.map((p) => `/${p}`)];
}

/**
 * SecureSite's default policy plus the origins the pages call besides their own: the user pool's
 * OpenID configuration and the managed login domain's token endpoint (oidc-client-ts), and the
 * catalog bucket's S3 endpoint that the merchant page PUTs presigned uploads to.
 */
export function rewardsContentSecurityPolicy(loginDomainHost: string, region: string): string {
  const sources = ["'self'", `https://${loginDomainHost}`, `https://cognito-idp.${region}.amazonaws.com`, `https://*.s3.${region}.amazonaws.com`];
  const directives = SecureSite.DEFAULT_CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim()).filter((d) => d.length > 0);
  const i = directives.findIndex((d) => d.startsWith('connect-src '));
  if (i >= 0) {
    const existing = directives[i].split(/\s+/).slice(1);
    directives[i] = `connect-src ${[...existing, ...sources.filter((s) => !existing.includes(s))].join(' ')}`;
  } else {
    directives.push(`connect-src ${sources.join(' ')}`);
  }
  return directives.join('; ');
}

/**
 * The rewards web apps (civilian, officer, merchant, admin) on SecureSite (CloudFront, WAF,
 * security headers): the pages, a generated `config.json`, the API below `/<stage>/` (uncached:
 * answers are per caller) and the merchants' catalogs below `/catalogs/` (from the catalog site's
 * distribution, so the pages read them from their own origin).
 */
export class RewardsWebStack extends Stack {
  public readonly site: SecureSite;
  /** The managed login domain of the users pool. */
  public readonly loginDomain: cognito.UserPoolDomain;
  /** Its host name, e.g. `rewards-….auth.eu-west-2.amazoncognito.com`. */
  public readonly loginDomainHost: string;
  /** The pages' app client: public (no secret), authorization code with PKCE, back to the site's own pages only. */
  public readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: RewardsWebStackProps) {
    super(scope, id, props);
    const prefix = props.loginDomainPrefix ?? `rewards-${createHash('sha256').update(this.node.path).digest('hex').slice(0, 8)}-${this.account}`;
    this.loginDomain = new cognito.UserPoolDomain(this, 'Login', {
      userPool: props.userPool,
      cognitoDomain: { domainPrefix: prefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.loginDomainHost = `${this.loginDomain.domainName}.auth.${this.region}.amazoncognito.com`;

    this.site = new SecureSite(this, 'Site', {
      contentPath: rewardsWebContent(),
      contentSecurityPolicy: rewardsContentSecurityPolicy(this.loginDomainHost, this.region),
      ...siteDomainProps(this, props.domain),
    });

    const pageUrls = rewardsSignInPaths().map((p) => `${this.site.url}${p}`);
    this.userPoolClient = new cognito.UserPoolClient(this, 'WebClient', {
      userPool: props.userPool,
      userPoolClientName: 'rewards-web',
      generateSecret: false,
      // Managed login signs in with SRP; refresh tokens renew the session. No plain-password flow.
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: pageUrls,
        logoutUrls: pageUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      authSessionValidity: Duration.minutes(5),
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // A patrol shift.
      refreshTokenValidity: Duration.hours(12),
    });
    // Managed login (v2) shows a client's pages only once it has a branding style: Cognito's own.
    new cognito.CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: props.userPool.userPoolId,
      clientId: this.userPoolClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    // Exactly what web/lib/config.ts reads; each page passes its own URL as redirect_uri.
    this.site.deployment!.addSource(s3deploy.Source.jsonData('config.json', {
      apiBaseUrl: `/${REWARDS_SYSTEM.stageName}`,
      catalogsBaseUrl: `/${CATALOG_PREFIX}`,
      region: this.region,
      userPoolId: props.userPool.userPoolId,
      userPoolClientId: this.userPoolClient.userPoolClientId,
      cognitoDomain: this.loginDomainHost,
    }));

    this.site.distribution.addBehavior(`/${REWARDS_SYSTEM.stageName}/*`, new origins.RestApiOrigin(props.api, { originPath: '' }), {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.site.responseHeadersPolicy,
    });
    this.site.distribution.addBehavior(`/${CATALOG_PREFIX}/*`, new origins.HttpOrigin(props.catalogSite.distribution.distributionDomainName), {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: this.site.responseHeadersPolicy,
    });

    new CfnOutput(this, 'SiteUrl', { value: this.site.url, description: 'The rewards web apps: / (civilians), /officer.html, /merchant.html, /admin.html' });
    new CfnOutput(this, 'LoginDomain', { value: this.loginDomainHost, description: 'The managed login domain' });
    new CfnOutput(this, 'WebClientId', { value: this.userPoolClient.userPoolClientId, description: 'The web pages\' app client' });
  }
}
