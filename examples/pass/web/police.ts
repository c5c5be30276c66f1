import { BrowserQRCodeReader, type IScannerControls } from '@zxing/browser';
import { normalizePassId } from '../domain/pass-number';
import { ApiError, PassApi } from './lib/api';
import { ID_TYPE_LABELS, REASON_LABELS } from './lib/choices';
import { loadConfig } from './lib/config';
import { byId, el, when } from './lib/dom';
import { signIn } from './lib/shell';

/** The police page: scan a pass's QR code (or type its number) and see at once whether it is valid. */

interface CheckAnswer {
  result: 'valid' | 'expired' | 'not-yet-valid' | 'revoked' | 'not-approved' | 'unknown' | 'tampered';
  passId?: string;
  checkedAt: string;
  pass?: {
    holderName: string;
    holderDocument?: DocumentHint;
    travellers: { name: string; kind: 'applicant' | 'registered' | 'dependant'; document?: DocumentHint; dateOfBirth?: string }[];
    from: { address: string; district: string };
    to: { address: string; district: string };
    validFrom: string;
    validUntil: string;
    vehicle?: { registration: string; kind: string };
    reason: string;
  };
}

interface DocumentHint { type: string; last: string }

/** What to ask for: the document type and its last characters (the whole number is never shown). */
function documentText(d?: DocumentHint): string {
  return d ? `${ID_TYPE_LABELS[d.type] ?? d.type} ending ${d.last}` : '';
}

const ANSWERS: Record<CheckAnswer['result'], { word: string; text: string }> = {
  'valid': { word: 'Valid', text: 'This pass is valid now.' },
  'expired': { word: 'Not valid', text: 'This pass has expired.' },
  'not-yet-valid': { word: 'Not valid', text: 'This pass is not valid yet.' },
  'revoked': { word: 'Not valid', text: 'This pass was revoked.' },
  'not-approved': { word: 'Not valid', text: 'This pass was not approved.' },
  'unknown': { word: 'Not valid', text: 'No pass has this number.' },
  'tampered': { word: 'Not valid', text: 'This QR code was altered or forged.' },
};

const CHECKPOINT_KEY = 'pass.checkpoint';
const status = byId('page-status');

async function main(): Promise<void> {
  const config = await loadConfig();
  const { session } = await signIn(config, 'police');
  const api = new PassApi(config.apiBaseUrl, () => session.token);
  byId('checker').hidden = false;

  const checkpoint = byId<HTMLInputElement>('checkpoint');
  checkpoint.value = localStorage.getItem(CHECKPOINT_KEY) ?? '';
  checkpoint.addEventListener('change', () => localStorage.setItem(CHECKPOINT_KEY, checkpoint.value.trim()));

  const check = async (presented: { qr: string } | { passNumber: string }) => {
    const where = checkpoint.value.trim();
    byId('checkpoint-error').textContent = '';
    checkpoint.removeAttribute('aria-invalid');
    if (where.length < 2) {
      byId('checkpoint-error').textContent = 'Name your checkpoint first (at least 2 characters).';
      checkpoint.setAttribute('aria-invalid', 'true');
      checkpoint.focus();
      return;
    }
    status.textContent = 'Checking…';
    try {
      const answer = await api.call<CheckAnswer>('POST', '/verify', { ...presented, checkpoint: where });
      status.textContent = '';
      show(answer);
    } catch (error) {
      // A payload that is not even shaped like a pass's QR code is refused before any lookup.
      if (error instanceof ApiError && error.status === 400 && 'qr' in presented) {
        show({ result: 'tampered', checkedAt: new Date().toISOString() });
        status.textContent = '';
        return;
      }
      status.textContent = error instanceof ApiError ? error.message : String(error);
    }
  };

  byId<HTMLFormElement>('number-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = byId<HTMLInputElement>('pass-number');
    const id = normalizePassId(input.value);
    byId('pass-number-error').textContent = id ? '' : 'A pass number has 12 letters and digits, e.g. 7K3D-9QXA-2M4T.';
    input.toggleAttribute('aria-invalid', !id);
    if (id) {
      input.value = id;
      void check({ passNumber: id });
    }
  });

  byId<HTMLFormElement>('qr-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = byId<HTMLTextAreaElement>('qr-text').value.trim();
    byId('qr-text-error').textContent = text ? '' : 'Paste or scan the QR code text.';
    if (text) void check({ qr: text });
  });

  const video = byId<HTMLVideoElement>('camera');
  const scan = byId<HTMLButtonElement>('scan-button');
  const stop = byId<HTMLButtonElement>('scan-stop');
  let controls: IScannerControls | undefined;
  const stopCamera = () => {
    controls?.stop();
    controls = undefined;
    video.hidden = true;
    stop.hidden = true;
    scan.hidden = false;
  };
  stop.addEventListener('click', stopCamera);
  scan.addEventListener('click', () => {
    void (async () => {
      try {
        scan.hidden = true;
        stop.hidden = false;
        video.hidden = false;
        status.textContent = 'Point the camera at the QR code.';
        // A code already in view can be decoded before decodeFromVideoDevice resolves: remember the
        // scan by a flag of its own, not by `controls`, so that first reading is not dropped.
        let read = false;
        controls = await new BrowserQRCodeReader().decodeFromVideoDevice(undefined, video, (result, _error, scanner) => {
          if (!result || read) return;
          read = true;
          scanner.stop();
          stopCamera();
          void check({ qr: result.getText() });
        });
        if (read) stopCamera();
      } catch (error) {
        stopCamera();
        status.textContent = `The camera cannot be used (${error instanceof Error ? error.message : String(error)}). Type the pass number instead.`;
      }
    })();
  });
}

function place(p: { address: string; district: string }): string {
  return `${p.address}, ${p.district}`;
}

function show(answer: CheckAnswer): void {
  const section = byId('result');
  const { word, text } = ANSWERS[answer.result] ?? { word: 'Not valid', text: answer.result };
  section.hidden = false;
  section.className = `result ${answer.result === 'valid' ? 'is-valid' : 'is-invalid'}`;
  byId('result-word').textContent = `${answer.result === 'valid' ? '✓' : '✗'} ${word}`;
  byId('result-text').textContent = `${text}${answer.passId ? ` Pass ${answer.passId}.` : ''}`;
  const details = byId('result-details');
  details.replaceChildren();
  if (answer.pass) {
    const p = answer.pass;
    details.append(
      el('dt', {}, 'Holder'), el('dd', {}, p.holderDocument ? `${p.holderName}, ${documentText(p.holderDocument)}` : p.holderName),
      el('dt', {}, 'Travellers'), el('dd', {}, el('ul', { class: 'travellers' }, ...p.travellers.map((t) => el('li', {},
        t.kind === 'dependant' ? `${t.name}, child without a document, born ${t.dateOfBirth} (vouched for by the holder)` : `${t.name}, ${documentText(t.document)}`)))),
      el('dt', {}, 'Route'), el('dd', {}, `${place(p.from)} → ${place(p.to)}`),
      el('dt', {}, 'Valid until'), el('dd', {}, when(p.validUntil)),
      el('dt', {}, 'Reason'), el('dd', {}, REASON_LABELS[p.reason] ?? p.reason),
      ...(p.vehicle ? [el('dt', {}, 'Vehicle'), el('dd', {}, `${p.vehicle.registration} (${p.vehicle.kind})`)] : []),
    );
  }
  section.scrollIntoView({ block: 'start' });
}

main().catch((error) => { status.textContent = `The page could not start: ${error instanceof Error ? error.message : String(error)}`; });
