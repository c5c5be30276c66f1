import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { tableName } from './clients';
import type { CatalogUpload } from '../domain/catalog-uploads';
import { REWARDS_ENV } from '../domain/settings';

let s3: S3Client | undefined;

/** Signing needs no call to S3: the client only supplies the region and the function's credentials. */
function s3Client(): S3Client {
  s3 ??= new S3Client({});
  return s3;
}

/**
 * A presigned PUT URL for `upload` on the catalog bucket (`REWARDS_CATALOG_BUCKET`), valid
 * `minutes`: signed for that key and content type only, so the merchant cannot write elsewhere
 * or change the type; the bucket's default encryption (its KMS key) applies to what is put.
 */
export async function presignCatalogUpload(upload: CatalogUpload, minutes: number): Promise<string> {
  const command = new PutObjectCommand({ Bucket: tableName(REWARDS_ENV.CATALOG_BUCKET), Key: upload.key, ContentType: upload.contentType });
  // content-type is signed too: a PUT with another type is refused by S3.
  return getSignedUrl(s3Client(), command, { expiresIn: minutes * 60, signableHeaders: new Set(['content-type']) });
}
