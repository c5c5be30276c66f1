import { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { ResultsStore } from '../domain/compositions';
import { resultKey } from '../domain/compositions';
import type { OriginalsStore } from '../domain/images';

const isMissing = (error: unknown) => ['NoSuchKey', 'NotFound', 'NoSuchVersion'].includes((error as { name?: string }).name ?? '');

/** Reads at most `limit` bytes of a body stream, then stops reading it. */
async function readAtMost(body: AsyncIterable<Uint8Array> & { destroy?: () => void }, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= limit) {
      body.destroy?.();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/** The originals bucket as the domain's `OriginalsStore`. */
export function s3OriginalsStore(client: S3Client, bucket: string): OriginalsStore {
  return {
    async presignPost(key, contentType, maxBytes, minutes) {
      // The policy names the key, the content type and the size range: S3 refuses any other upload.
      // s3-presigned-post pins its own copy of the S3 client's types; the client is the same at run time.
      return createPresignedPost(client as unknown as Parameters<typeof createPresignedPost>[0], {
        Bucket: bucket,
        Key: key,
        Conditions: [['content-length-range', 1, maxBytes], ['eq', '$Content-Type', contentType]],
        Fields: { 'Content-Type': contentType },
        Expires: minutes * 60,
      });
    },
    async read(key, maxBytes, versionId) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
        const bytes = await readAtMost(out.Body as unknown as AsyncIterable<Uint8Array>, maxBytes + 1);
        return { bytes, versionId: out.VersionId && out.VersionId !== 'null' ? out.VersionId : undefined };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      // A versioned bucket keeps the versions (and now a delete marker): remove each, so nothing refused stays.
      const versions = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key })).catch(() => undefined);
      const ids = [...(versions?.Versions ?? []), ...(versions?.DeleteMarkers ?? [])]
        .filter((v) => v.Key === key && v.VersionId && v.VersionId !== 'null')
        .map((v) => ({ Key: key, VersionId: v.VersionId }));
      if (ids.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: ids, Quiet: true } }));
    },
  };
}

/** The results bucket as the domain's `ResultsStore`: `results/<key>.png`. */
export function s3ResultsStore(client: S3Client, bucket: string): ResultsStore {
  return {
    async write(key, png) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: resultKey(key), Body: png, ContentType: 'image/png', CacheControl: 'public, max-age=31536000, immutable' }));
    },
  };
}
