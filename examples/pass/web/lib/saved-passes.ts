/** An approved pass kept on the device, so its QR code shows without a connection. */
export interface SavedPass {
  readonly passId: string;
  readonly payload: string;
  readonly holderName: string;
  readonly travellers: string[];
  readonly from: string;
  readonly to: string;
  readonly startTime: string;
  readonly endTime: string;
}

const KEY = 'pass.saved';

export function savedPasses(): SavedPass[] {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]') as SavedPass[];
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

export function savePass(pass: SavedPass): void {
  const others = savedPasses().filter((p) => p.passId !== pass.passId && Date.parse(p.endTime) > Date.now());
  localStorage.setItem(KEY, JSON.stringify([pass, ...others].slice(0, 20)));
}
