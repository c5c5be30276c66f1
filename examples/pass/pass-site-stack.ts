import * as fs from 'fs';
import * as path from 'path';
import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { EXAMPLE, STAGE_NAME } from './routes';
import { SecureSite } from '../../src/site';
import { REPO_ROOT } from '../shared/stack';

export interface PassSiteStackProps extends StackProps {
  /** The pass API, served below `/<stage>/` of the site's own origin. */
  readonly api: apigateway.RestApi;
  /** The user pool the pages sign in to (its web app client is created here). */
  readonly userPool: cognito.IUserPool;
  /** The host name of the pool's managed login domain (no scheme), e.g. `movement-pass-….auth.eu-west-2.amazoncognito.com`. */
  readonly loginDomainHost: string;
}

/** The built web app, or (until the pages are built) a placeholder page. */
export function passWebContent(): string {
  const built = path.join(REPO_ROOT, 'build', 'examples', EXAMPLE, 'web');
  return fs.existsSync(path.join(built, 'index.html')) ? built : path.join(__dirname, 'placeholder');
}

/**
 * The paths of the pages that sign in, as `location.pathname` shows them: each comes back from
 * managed login to itself (`redirect_uri` = origin + path, web/lib/auth.ts), so each is a callback
 * and logout URL of the client. `/` and `/index.html` are the same page under two names.
 */
export function passSignInPaths(): string[] {
  const pages = fs.readdirSync(path.join(__dirname, 'web')).filter((f) => f.endsWith('.html')).sort();
  return ['/', ...pages.map((p) => `/${p}`)];
}

/**
 * SecureSite's default policy plus the two Cognito origins oidc-client-ts calls from the page:
 * the user pool's OpenID configuration (`cognito-idp.<region>.amazonaws.com`) and the managed
 * login domain's token endpoint. Sign-in and sign-out themselves are navigations, not fetches.
 */
export function passContentSecurityPolicy(loginDomainHost: string, region: string): string {
  const sources = ["'self'", `https://${loginDomainHost}`, `https://cognito-idp.${region}.amazonaws.com`];
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
 * The public site on SecureSite (CloudFront, WAF, security headers): the pages and a generated
 * `config.json`. CloudFront forwards `/<stage>/*` to the API uncached (answers are per caller), and
 * caches `/<stage>/keys` (the public signing key, for offline checks) as the API's Cache-Control says.
 */
export class PassSiteStack extends Stack {
  public readonly site: SecureSite;
  /** The pages' app client: public (no secret), authorization code with PKCE, back to the site's own pages only. */
  public readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: PassSiteStackProps) {
    super(scope, id, props);
    this.site = new SecureSite(this, 'Site', {
      contentPath: passWebContent(),
      contentSecurityPolicy: passContentSecurityPolicy(props.loginDomainHost, this.region),
    });

    // The client lives here rather than with the pool because its callback URLs are this stack's
    // distribution: the site stack already depends on the API stack, so nothing points back.
    const pageUrls = passSignInPaths().map((p) => `${this.site.url}${p}`);
    this.userPoolClient = new cognito.UserPoolClient(this, 'WebClient', {
      userPool: props.userPool,
      userPoolClientName: 'movement-pass-web',
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
      // A working shift; a citizen's approved pass stays on the phone without a session.
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
      apiBaseUrl: `/${STAGE_NAME}`,
      region: this.region,
      userPoolId: props.userPool.userPoolId,
      userPoolClientId: this.userPoolClient.userPoolClientId,
      cognitoDomain: props.loginDomainHost,
    }));

    const apiOrigin = new origins.RestApiOrigin(props.api, { originPath: '' });
    this.site.distribution.addBehavior(`/${STAGE_NAME}/keys`, apiOrigin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: new cloudfront.CachePolicy(this, 'KeysCache', {
        comment: 'Public signing keys: cached at the edge for as long as the API says (1 hour)',
        defaultTtl: Duration.hours(1),
        minTtl: Duration.seconds(0),
        maxTtl: Duration.days(1),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      }),
      responseHeadersPolicy: this.site.responseHeadersPolicy,
    });
    this.site.distribution.addBehavior(`/${STAGE_NAME}/*`, apiOrigin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.site.responseHeadersPolicy,
    });

    new CfnOutput(this, 'SiteUrl', { value: this.site.url, description: 'The movement pass site' });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId, description: 'The web pages\' app client' });
  }
}
