import { ForbiddenError } from '@cdk-rampart/lambda-kit';
import * as QRCode from 'qrcode';
import { EncounterCodeRequest } from './http/requests';
import { rewardsApi } from './http/route';
import { issueEncounterCode } from '../domain/encounter-codes';
import { DEFAULT_CODE_MINUTES, REWARDS_ENV } from '../domain/settings';
import { codeKey } from '../storage/clients';

/**
 * `POST /encounter-codes` (civilians): a signed encounter code for the caller, valid a few
 * minutes, usable once, with its QR code as SVG and as a PNG data URL for the app to show.
 */
export const handler = rewardsApi({
  body: EncounterCodeRequest,
  successStatus: 201,
  handle: async ({ caller }) => {
    if (!caller.kinds.includes('civilian')) throw new ForbiddenError('Only a civilian may ask for an encounter code');
    const minutes = Number(process.env[REWARDS_ENV.CODE_MINUTES] ?? DEFAULT_CODE_MINUTES);
    const issued = await issueEncounterCode(await codeKey(), caller.userId, minutes);
    const [svg, png] = await Promise.all([
      QRCode.toString(issued.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
      QRCode.toDataURL(issued.code, { errorCorrectionLevel: 'M', margin: 2, scale: 6 }),
    ]);
    return { code: issued.code, expiresAt: issued.expiresAt.toISOString(), qr: { svg, png } };
  },
});
