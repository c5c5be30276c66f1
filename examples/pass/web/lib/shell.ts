import { Auth, Session } from './auth';
import type { LocalPersona, PassConfig } from './config';
import { byId, el } from './dom';

/**
 * The signed-in bar and the sign-in panel every page shares. `role` is who the page is for:
 * the panel offers that role's test identities on the local run (and sign-up for citizens),
 * or Cognito's managed login on the deployed site.
 */
export async function signIn(config: PassConfig, role: LocalPersona['role']): Promise<{ auth: Auth; session: Session }> {
  const auth = new Auth(config);
  if (config.environment) {
    const badge = byId('environment');
    badge.textContent = config.environment;
    badge.hidden = false;
  }
  let session = await auth.current();
  const allowed = (s: Session | undefined) => s !== undefined && (role === 'citizen' || s.groups.includes(role));
  if (!allowed(session)) session = await panel(auth, role, session);
  const bar = byId('account');
  bar.replaceChildren(
    el('span', {}, 'Signed in as ', el('strong', {}, session!.name)),
    el('button', { type: 'button', class: 'link-button', id: 'sign-out' }, 'Sign out'),
  );
  bar.hidden = false;
  byId('sign-out').addEventListener('click', () => {
    void auth.signOut().then(() => location.reload());
  });
  return { auth, session: session! };
}

const ROLE_NAMES: Record<LocalPersona['role'], string> = { citizen: 'citizen', reviewer: 'reviewer', police: 'police officer', admin: 'administrator' };

function panel(auth: Auth, role: LocalPersona['role'], wrong: Session | undefined): Promise<Session> {
  const section = byId('sign-in');
  section.hidden = false;
  const body = byId('sign-in-body');
  body.replaceChildren();
  if (wrong) {
    body.append(el('p', { class: 'notice' }, `${wrong.name} is signed in, but this page is for a ${ROLE_NAMES[role]}. Sign in as one.`));
  }
  return new Promise((resolve) => {
    const done = (s: Session) => {
      section.hidden = true;
      resolve(s);
    };
    if (auth.mode === 'cognito') {
      const button = el('button', { type: 'button', class: 'primary' }, role === 'citizen' ? 'Sign in or create an account' : 'Sign in');
      button.addEventListener('click', () => { void auth.signInWithCognito(); });
      body.append(button);
      return;
    }
    if (auth.mode === 'none') {
      body.append(el('p', { class: 'error' }, 'Sign-in is not configured for this site.'));
      return;
    }
    const personas = auth.personas.filter((p) => p.role === role);
    body.append(el('p', {}, 'This is a local run: choose a test identity.'));
    const list = el('ul', { class: 'personas' });
    for (const p of personas) {
      const button = el('button', { type: 'button', class: 'secondary' }, `Sign in as ${p.name}`);
      button.addEventListener('click', () => done(auth.signInAs(p)));
      list.append(el('li', {}, button));
    }
    body.append(list);
    if (role !== 'citizen') return;
    const form = el('form', { id: 'sign-up-form', class: 'stack', novalidate: '' },
      el('h3', {}, 'New here? Create an account'),
      el('div', { class: 'field' }, el('label', { for: 'sign-up-name' }, 'Full name'),
        el('input', { id: 'sign-up-name', name: 'name', autocomplete: 'name', required: '' })),
      el('div', { class: 'field' }, el('label', { for: 'sign-up-email' }, 'E-mail address'),
        el('input', { id: 'sign-up-email', name: 'email', type: 'email', autocomplete: 'email', required: '' })),
      el('p', { id: 'sign-up-error', class: 'error', role: 'alert' }),
      el('button', { type: 'submit', class: 'primary' }, 'Create account'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const name = (byId<HTMLInputElement>('sign-up-name').value ?? '').trim();
      const email = (byId<HTMLInputElement>('sign-up-email').value ?? '').trim();
      if (!name || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        byId('sign-up-error').textContent = 'Give your full name and an e-mail address.';
        return;
      }
      done(auth.signUpLocal(name, email));
    });
    body.append(form);
  });
}
