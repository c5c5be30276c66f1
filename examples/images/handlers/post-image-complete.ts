import * as z from 'zod';
import { imagesApi } from './http/route';
import { completeUpload } from '../domain/images';
import { ImageIdParams } from '../domain/model';
import { sharpProbe } from '../storage/sharp-codec';
import { uploadStores } from '../storage/stores';

/**
 * `POST /images/{imageId}/complete`: the uploaded object is validated (magic bytes, container,
 * dimensions and pixel caps, a full decode with sharp); 200 `{ image }` once it is listed, 422
 * naming the problem otherwise, with the object and the pending image deleted.
 */
export const handler = imagesApi({
  body: z.union([z.undefined(), z.strictObject({})]),
  params: ImageIdParams,
  handle: ({ params }) => completeUpload(uploadStores(sharpProbe), params.imageId),
});
