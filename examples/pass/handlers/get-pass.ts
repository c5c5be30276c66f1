import * as QRCode from 'qrcode';
import * as z from 'zod';
import { callerOf, passApi } from './http/route';
import { PassIdParams } from '../domain/model';
import { ownPass } from '../domain/passes';
import { storeFromEnv } from '../storage/table';

/**
 * `GET /passes/{passId}`: one of the caller's own passes (another user's answers 404). An approved
 * pass comes with its QR code (an SVG of the signed token, which carries the pass number and the
 * signature), so the page can keep showing it offline.
 */
export const handler = passApi({
  body: z.undefined({ error: 'This route takes no body' }),
  params: PassIdParams,
  handle: async ({ params, event }) => {
    const pass = await ownPass(storeFromEnv(), callerOf(event), params.passId);
    if (pass.status !== 'approved' || !pass.token) return pass;
    const svg = await QRCode.toString(pass.token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { ...pass, qr: { payload: pass.token, svg } };
  },
});
