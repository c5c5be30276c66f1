import { randomUUID } from 'crypto';
import { imagesApi } from './http/route';
import { requestUpload } from '../domain/images';
import { UploadRequest } from '../domain/model';
import { imageStore, originalsStore } from '../storage/stores';

/**
 * `POST /uploads` `{ kind, contentType, size }`: 201 with a presigned POST for
 * `originals/<kind>/<imageId>` (content type and size cap in its policy) and when it expires;
 * a type off the allow list or a size over the cap is a 422, and nothing is recorded.
 */
export const handler = imagesApi({
  body: UploadRequest,
  statusOf: () => 201,
  handle: ({ body }) => requestUpload({ images: imageStore(), originals: originalsStore() }, body, randomUUID(), new Date()),
});
