import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { LocalPersona, RewardsConfig, Role } from './config';

/** Who is signed in, and the token the API takes (`Authorization: Bearer <token>`). */
export interface Session {
  readonly token: string;
  readonly name: string;
  readonly groups: string[];
}

const LOCAL_SESSION = 'rewards.localSession';

/**
 * Sign-in: on the deployed site, Cognito's managed login (authorization code with PKCE, through
 * oidc-client-ts; the ID token goes to the API, whose authorizer checks it and its groups); on the
 * local run, its test identities and the users who signed up on it.
 */
export class Auth {
  private readonly manager?: UserManager;

  constructor(private readonly config: RewardsConfig) {
    if (!config.auth && config.userPoolId && config.userPoolClientId && config.region && config.cognitoDomain) {
      const here = `${location.origin}${location.pathname}`;
      this.manager = new UserManager({
        authority: `https://cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`,
        client_id: config.userPoolClientId,
        redirect_uri: here,
        post_logout_redirect_uri: here,
        response_type: 'code',
        scope: 'openid email profile',
        userStore: new WebStorageStateStore({ store: window.localStorage }),
        metadataSeed: {
          end_session_endpoint: `https://${config.cognitoDomain}/logout?client_id=${encodeURIComponent(config.userPoolClientId)}&logout_uri=${encodeURIComponent(here)}`,
        },
      });
    }
  }

  get mode(): 'local' | 'cognito' | 'none' {
    if (this.config.auth?.mode === 'local') return 'local';
    return this.manager ? 'cognito' : 'none';
  }

  get personas(): LocalPersona[] {
    return this.config.auth?.personas ?? [];
  }

  /** The session, finishing a managed-login redirect first when the page was opened by one. */
  async current(): Promise<Session | undefined> {
    if (this.mode === 'local') {
      const raw = localStorage.getItem(LOCAL_SESSION);
      return raw ? JSON.parse(raw) as Session : undefined;
    }
    if (!this.manager) return undefined;
    const params = new URLSearchParams(location.search);
    if (params.has('code') && params.has('state')) {
      await this.manager.signinRedirectCallback();
      history.replaceState(null, '', location.pathname);
    }
    const user = await this.manager.getUser();
    if (!user || user.expired || !user.id_token) return undefined;
    const groups = user.profile['cognito:groups'];
    return {
      token: user.id_token,
      name: String(user.profile.name ?? user.profile.email ?? 'Signed in'),
      groups: Array.isArray(groups) ? groups.map(String) : [],
    };
  }

  /** Local run: sign in as one of its test identities. */
  signInAs(persona: LocalPersona): Session {
    return this.keep({ token: persona.token, name: persona.name, groups: [persona.role] });
  }

  /** Local run: sign in as a user who just signed up (the local identity looks the account up). */
  signInLocalUser(userId: string, name: string, role: Role): Session {
    return this.keep({ token: `${this.config.auth!.userTokenPrefix}${userId}`, name, groups: [role] });
  }

  private keep(session: Session): Session {
    localStorage.setItem(LOCAL_SESSION, JSON.stringify(session));
    return session;
  }

  /** Deployed site: off to the managed login page. */
  async signInWithCognito(): Promise<void> {
    await this.manager?.signinRedirect();
  }

  async signOut(): Promise<void> {
    localStorage.removeItem(LOCAL_SESSION);
    if (this.manager) {
      await this.manager.removeUser();
      await this.manager.signoutRedirect();
    }
  }
}
