import * as z from 'zod';
import { Refusal } from './errors';

/**
 * Merchants' catalogs: static content (images and JSON) each merchant uploads under its own
 * prefix of the catalog site's bucket, `catalogs/<merchant id>/...`, through a presigned PUT URL.
 * This is the pure part: which key a merchant may write and with which content type.
 */

/** Where the catalogs live in the site's bucket. */
export const CATALOG_PREFIX = 'catalogs';

/** The content types a catalog may hold, with the file name endings each one allows. */
export const CATALOG_CONTENT_TYPES: Readonly<Record<string, readonly string[]>> = {
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/webp': ['.webp'],
  'application/json': ['.json'],
};

/** Minutes a presigned upload URL is valid. */
export const UPLOAD_URL_MINUTES = 5;

/** A path segment: letters, digits, `.`, `_`, `-`, starting with a letter or digit (so never `.` or `..`). */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** `POST /catalog-uploads`: the file's path in the merchant's catalog and its content type. */
export const CatalogUploadRequest = z.strictObject({
  path: z.string().min(1).max(512),
  contentType: z.string().min(1).max(100),
});
export type CatalogUploadRequest = z.infer<typeof CatalogUploadRequest>;

/** What may be uploaded: the object key and the content type the URL is signed for. */
export interface CatalogUpload {
  readonly key: string;
  readonly contentType: string;
}

const invalid = (field: string, message: string) => new Refusal('rule', 'InvalidCatalogUpload', message, { field });

/**
 * The key `merchantId` may upload `request` to. The path is relative to the merchant's own
 * prefix; a path that names `catalogs/<id>/` is accepted for the merchant's own id only.
 * Refused (naming the field): traversal (`..`, `.`, empty segments, backslashes, percent
 * escapes), another merchant's prefix (forbidden), a content type not allowed for catalogs, or
 * a file name ending that does not match the content type.
 */
export function planCatalogUpload(merchantId: string, request: CatalogUploadRequest): CatalogUpload {
  if (!SEGMENT.test(merchantId)) throw new Error('The merchant id is not usable as a key segment');
  let segments = request.path.split('/');
  if (segments[0] === CATALOG_PREFIX) {
    if (segments[1] !== merchantId) {
      throw new Refusal('forbidden', 'OtherMerchantsCatalog', `path: a merchant uploads to its own catalog only (${CATALOG_PREFIX}/<your id>/...)`, { field: 'path' });
    }
    segments = segments.slice(2);
  }
  if (segments.length === 0 || segments.length > 8 || !segments.every((s) => SEGMENT.test(s))) {
    throw invalid('path', 'path: segments of letters, digits, ".", "_" and "-" separated by "/", at most 8, none starting with "." (no "..", no leading or double "/")');
  }
  const endings = CATALOG_CONTENT_TYPES[request.contentType];
  if (!endings) {
    throw invalid('contentType', `contentType: ${JSON.stringify(request.contentType.slice(0, 100))} is not allowed; one of ${Object.keys(CATALOG_CONTENT_TYPES).join(', ')}`);
  }
  const file = segments[segments.length - 1].toLowerCase();
  if (!endings.some((e) => file.endsWith(e) && file.length > e.length)) {
    throw invalid('path', `path: a ${request.contentType} file ends in ${endings.join(' or ')}`);
  }
  return { key: [CATALOG_PREFIX, merchantId, ...segments].join('/'), contentType: request.contentType };
}
