import { ApiError, RewardsApi } from './api';
import { Auth, Session } from './auth';
import type { RewardsConfig, Role } from './config';
import { byId, el } from './dom';

/** The identity documents each kind of user signs up with (domain/onboarding.ts). */
const DOCUMENTS: Partial<Record<Role, Record<string, string>>> = {
  civilian: { 'national-id': 'National identity card', 'passport': 'Passport' },
  officer: { 'police-badge': 'Police badge' },
  merchant: { 'business-registration': 'Business registration' },
};

const ROLE_NAMES: Record<Role, string> = { civilian: 'civilian', officer: 'police officer', merchant: 'merchant', charity: 'charity', family: 'family', admin: 'administrator' };

/**
 * The signed-in bar and the sign-in panel every page shares. `role` is who the page is for: the
 * panel offers that role's test identities on the local run, or Cognito's managed login on the
 * deployed site, and (civilians, officers, merchants) a sign-up checked by the identity provider.
 */
export async function signIn(config: RewardsConfig, role: Role): Promise<{ auth: Auth; session: Session }> {
  const auth = new Auth(config);
  if (config.environment) {
    const badge = byId('environment');
    badge.textContent = config.environment;
    badge.hidden = false;
  }
  let session = await auth.current();
  if (!session || !session.groups.includes(role)) session = await panel(auth, config, role, session);
  const bar = byId('account');
  bar.replaceChildren(
    el('span', {}, 'Signed in as ', el('strong', {}, session.name)),
    el('button', { type: 'button', class: 'link-button', id: 'sign-out' }, 'Sign out'),
  );
  bar.hidden = false;
  byId('sign-out').addEventListener('click', () => {
    void auth.signOut().then(() => location.reload());
  });
  return { auth, session };
}

function panel(auth: Auth, config: RewardsConfig, role: Role, wrong: Session | undefined): Promise<Session> {
  const section = byId('sign-in');
  section.hidden = false;
  const body = byId('sign-in-body');
  body.replaceChildren();
  if (wrong) body.append(el('p', { class: 'notice' }, `${wrong.name} is signed in, but this page is for a ${ROLE_NAMES[role]}. Sign in as one.`));
  return new Promise((resolve) => {
    const done = (s: Session) => {
      section.hidden = true;
      resolve(s);
    };
    if (auth.mode === 'cognito') {
      const button = el('button', { type: 'button', class: 'primary' }, 'Sign in');
      button.addEventListener('click', () => { void auth.signInWithCognito(); });
      body.append(button);
    } else if (auth.mode === 'none') {
      body.append(el('p', { class: 'error' }, 'Sign-in is not configured for this site.'));
      return;
    } else {
      const personas = auth.personas.filter((p) => p.role === role);
      if (personas.length > 0) {
        body.append(el('p', {}, 'This is a local run: choose a test identity.'));
        const list = el('ul', { class: 'personas' });
        for (const p of personas) {
          const button = el('button', { type: 'button', class: 'secondary' }, `Sign in as ${p.name}`);
          button.addEventListener('click', () => done(auth.signInAs(p)));
          list.append(el('li', {}, button));
        }
        body.append(list);
      }
    }
    const documents = DOCUMENTS[role];
    if (documents) body.append(signUpForm(auth, config, role, documents, done));
  });
}

/** Sign up as `role`: the identity provider checks the document and the evidence (`POST /sign-ups`). */
function signUpForm(auth: Auth, config: RewardsConfig, role: Role, documents: Record<string, string>, done: (s: Session) => void): HTMLElement {
  const field = (id: string, label: string, control: HTMLElement, hint?: string) => {
    control.id = id;
    if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
    return el('div', { class: 'field' }, el('label', { for: id }, label), control, hint ? el('p', { id: `${id}-hint`, class: 'hint' }, hint) : undefined);
  };
  const type = el('select', { name: 'documentType' });
  for (const [value, label] of Object.entries(documents)) type.append(new Option(label, value));
  const error = el('p', { id: 'sign-up-error', class: 'error', role: 'alert' });
  const form = el('form', { id: 'sign-up-form', class: 'stack', novalidate: '' },
    el('h3', {}, `New here? Sign up as a ${ROLE_NAMES[role]}`),
    field('sign-up-name', role === 'merchant' ? 'Business name, as registered' : 'Full name, as on your document', el('input', { autocomplete: role === 'merchant' ? 'organization' : 'name' })),
    field('sign-up-type', 'Document', type),
    field('sign-up-number', 'Document number', el('input', { autocomplete: 'off', spellcheck: 'false' })),
    field('sign-up-evidence', 'Identity check code', el('input', { autocomplete: 'off', spellcheck: 'false' }), 'The code the identity service gave you when it checked your document.'),
    field('sign-up-email', 'E-mail address', el('input', { type: 'email', autocomplete: 'email' })),
    error,
    el('button', { type: 'submit', class: 'primary' }, 'Sign up'));
  const value = (id: string) => byId<HTMLInputElement | HTMLSelectElement>(id).value.trim();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      error.textContent = '';
      const request = {
        kind: role,
        documentType: value('sign-up-type'),
        documentNumber: value('sign-up-number'),
        name: value('sign-up-name'),
        evidence: value('sign-up-evidence'),
        email: value('sign-up-email'),
      };
      if (!request.name || !request.documentNumber || !request.evidence || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(request.email)) {
        error.textContent = 'Give your name, the document number, the identity check code and an e-mail address.';
        return;
      }
      try {
        const created = await new RewardsApi(config.apiBaseUrl, () => undefined).call<{ userId: string }>('POST', '/sign-ups', request);
        if (auth.mode === 'local') {
          done(auth.signInLocalUser(created.userId, request.name, role));
          return;
        }
        form.replaceChildren(el('p', { class: 'notice', role: 'status' }, `Signed up. We e-mailed ${request.email} a temporary password: sign in with it, then set your password and an authenticator app.`));
      } catch (failure) {
        error.textContent = failure instanceof ApiError ? failure.message : String(failure);
      }
    })();
  });
  return form;
}
