import { ForbiddenError, HttpError } from '@cdk-rampart/lambda-kit';
import { rewardsApi } from './http/route';
import { CatalogUploadRequest, planCatalogUpload, UPLOAD_URL_MINUTES } from '../domain/catalog-uploads';
import { REWARDS_ENV } from '../domain/settings';
import { presignCatalogUpload } from '../storage/catalog-uploads';

/**
 * `POST /catalog-uploads` (merchants): a presigned S3 PUT URL for one file of the caller's own
 * catalog (`catalogs/<merchant id>/<path>`) on the catalog site's bucket, valid a few minutes.
 */
export const handler = rewardsApi({
  body: CatalogUploadRequest,
  successStatus: 201,
  handle: async ({ caller, body }) => {
    if (!caller.kinds.includes('merchant')) throw new ForbiddenError('Only a merchant may upload a catalog');
    const upload = planCatalogUpload(caller.userId, body);
    // The local run has no S3 to receive an upload: it says so instead of failing with a 500.
    if (!process.env[REWARDS_ENV.CATALOG_BUCKET]) {
      throw new HttpError(501, 'CatalogUploadsNotConfigured', `Catalog uploads need the catalog bucket (${REWARDS_ENV.CATALOG_BUCKET}); this run has none`);
    }
    const expiresAt = new Date(Date.now() + UPLOAD_URL_MINUTES * 60_000);
    const url = await presignCatalogUpload(upload, UPLOAD_URL_MINUTES);
    return { method: 'PUT', url, key: upload.key, headers: { 'content-type': upload.contentType }, expiresAt: expiresAt.toISOString() };
  },
});
