/** The runtime settings the site serves as `config.json` (written by the web stack, or by the local run). */

/** The kinds of user a page is for (`admin` is a group, not a kind of account). */
export type Role = 'civilian' | 'officer' | 'merchant' | 'charity' | 'family' | 'admin';

/** A local run's test identity: `Authorization: Bearer <token>`. */
export interface LocalPersona {
  readonly token: string;
  readonly role: Role;
  readonly name: string;
  /** Its user id (what others type to give it points). */
  readonly userId: string;
}

/** Someone the pages offer by name: a charity or family to donate to, a merchant to buy from, an officer. */
export interface KnownUser {
  readonly userId: string;
  readonly name: string;
  readonly kind: 'charity' | 'family' | 'merchant' | 'officer';
}

export interface RewardsConfig {
  /** Where the API answers, on the site's own origin: `/v1`. */
  readonly apiBaseUrl: string;
  /** Where the merchants' catalogs are, on the site's own origin: `/catalogs`. */
  readonly catalogsBaseUrl?: string;
  /** Where the users domain answers, when the pages may read it (the local run only). */
  readonly usersDomainUrl?: string;
  /** Shown as a badge when set (e.g. `local`). */
  readonly environment?: string;
  readonly region?: string;
  readonly userPoolId?: string;
  readonly userPoolClientId?: string;
  /** The Cognito managed login domain, e.g. `rewards-123.auth.eu-west-2.amazoncognito.com`. */
  readonly cognitoDomain?: string;
  /** Charities, families, merchants and officers offered by name (a directory the local run seeds; ids may always be typed). */
  readonly directory?: KnownUser[];
  /** The local run's test identities (never present on a deployed site). */
  readonly auth?: {
    readonly mode: 'local';
    readonly personas: LocalPersona[];
    /** A user who signed up on the local run signs in with `<userTokenPrefix><userId>`. */
    readonly userTokenPrefix: string;
  };
}

export async function loadConfig(): Promise<RewardsConfig> {
  const res = await fetch('config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const config = await res.json() as RewardsConfig;
  if (typeof config.apiBaseUrl !== 'string') throw new Error('config.json has no apiBaseUrl');
  return config;
}
