/** The runtime settings the site serves as `config.json` (written by the stack, or by the local run). */
export interface LocalPersona {
  readonly token: string;
  readonly role: 'citizen' | 'reviewer' | 'police' | 'admin';
  readonly name: string;
  readonly email: string;
}

export interface PassConfig {
  /** Where the API answers, on the site's own origin: `/v1`. */
  readonly apiBaseUrl: string;
  /** Shown as a badge when set (e.g. `local`). */
  readonly environment?: string;
  readonly region?: string;
  readonly userPoolId?: string;
  readonly userPoolClientId?: string;
  /** The Cognito managed login domain, e.g. `pass-123.auth.eu-west-2.amazoncognito.com`. */
  readonly cognitoDomain?: string;
  /** The local run's test identities (never present on a deployed site). */
  readonly auth?: { readonly mode: 'local'; readonly personas: LocalPersona[]; readonly signupPrefix: string };
}

export async function loadConfig(): Promise<PassConfig> {
  const res = await fetch('config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const config = await res.json() as PassConfig;
  if (typeof config.apiBaseUrl !== 'string') throw new Error('config.json has no apiBaseUrl');
  return config;
}
