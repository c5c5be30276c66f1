import { createHash } from 'crypto';
import { invalidImage, noSuchImage, Refusal } from './errors';
import type { GalleryImage, ImageRecord, UploadRequest } from './model';
import { UPLOAD_LIMITS, type ImageKind } from './settings';
import { inspectUpload, originalKey, planUpload, type ImageProbe } from './upload-policy';

/** Uploads and the gallery: the domain functions behind `/uploads` and `/images`. */

/** The images table. */
export interface ImageStore {
  get(imageId: string): Promise<ImageRecord | undefined>;
  /** Writes a new pending image; never overwrites. */
  putPending(record: ImageRecord): Promise<void>;
  /** Marks a pending image ready with what validation found; answers the record as stored (an earlier completion's, if one won). */
  markReady(imageId: string, ready: Required<Pick<ImageRecord, 'version' | 'width' | 'height' | 'format'>> & Pick<ImageRecord, 's3VersionId'>): Promise<ImageRecord>;
  /** Removes a pending image (a refused upload). */
  removePending(imageId: string): Promise<void>;
  /** The newest ready images of a kind. */
  listReady(kind: ImageKind, limit: number): Promise<ImageRecord[]>;
}

/** An object as read from the originals bucket. */
export interface StoredObject {
  readonly bytes: Uint8Array;
  /** The S3 version id, when the bucket is versioned. */
  readonly versionId?: string;
}

/** The originals bucket. */
export interface OriginalsStore {
  /** A presigned POST for exactly `key`, `contentType` and at most `maxBytes`, valid `minutes`. */
  presignPost(key: string, contentType: string, maxBytes: number, minutes: number): Promise<{ url: string; fields: Record<string, string> }>;
  /**
   * The object's bytes (a given version, or the current one); undefined when there is none.
   * Reads at most `maxBytes + 1` bytes, so an oversized object is known without reading it all.
   */
  read(key: string, maxBytes: number, versionId?: string): Promise<StoredObject | undefined>;
  /** Deletes the object (every version of it, so a refused upload leaves nothing behind). */
  remove(key: string): Promise<void>;
}

export interface UploadStores {
  readonly images: ImageStore;
  readonly originals: OriginalsStore;
  readonly decoder: ImageProbe;
  /** `${ASSETS_BASE_URL}`: where clients fetch objects (no trailing slash). */
  readonly assetsBaseUrl: string;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export const imageUrl = (assetsBaseUrl: string, kind: ImageKind, imageId: string) => `${assetsBaseUrl}/${originalKey(kind, imageId)}`;

function galleryImage(assetsBaseUrl: string, r: ImageRecord): GalleryImage {
  return { imageId: r.imageId, kind: r.kind, width: r.width ?? 0, height: r.height ?? 0, url: imageUrl(assetsBaseUrl, r.kind, r.imageId) };
}

/**
 * `POST /uploads`: a presigned POST for one image, after the allow list and the size cap; the
 * image is recorded as pending (not listed) until its upload is completed and validated.
 */
export async function requestUpload(stores: Pick<UploadStores, 'images' | 'originals'>, request: UploadRequest, imageId: string, now: Date) {
  const plan = planUpload(imageId, request);
  await stores.images.putPending({ imageId, kind: request.kind, status: 'pending', contentType: plan.contentType, createdAt: now.toISOString() });
  const upload = await stores.originals.presignPost(plan.key, plan.contentType, plan.maxBytes, UPLOAD_LIMITS.urlMinutes);
  return { imageId, upload, expiresAt: new Date(now.getTime() + UPLOAD_LIMITS.urlMinutes * 60_000).toISOString() };
}

/**
 * `POST /images/{imageId}/complete`: the stored upload is validated (`inspectUpload`); a valid one
 * becomes ready, with the SHA-256 of its bytes as its version; an invalid one is deleted from the
 * bucket and the table, and refused naming the problem. Completing a ready image again answers it.
 */
export async function completeUpload(stores: UploadStores, imageId: string): Promise<{ image: GalleryImage }> {
  const record = await stores.images.get(imageId);
  if (!record) throw noSuchImage('imageId', imageId);
  if (record.status === 'ready') return { image: galleryImage(stores.assetsBaseUrl, record) };
  const key = originalKey(record.kind, imageId);
  const stored = await stores.originals.read(key, UPLOAD_LIMITS.maxBytes);
  if (!stored) throw new Refusal('conflict', 'NotUploaded', `Nothing was uploaded for image ${imageId} yet: POST the file to the upload URL first`);
  let inspected;
  try {
    inspected = await inspectUpload(stored.bytes, record.contentType, stores.decoder);
  } catch (error) {
    if (error instanceof Refusal) {
      await stores.originals.remove(key);
      await stores.images.removePending(imageId);
    }
    throw error;
  }
  const ready = await stores.images.markReady(imageId, { ...inspected, version: sha256(stored.bytes), s3VersionId: stored.versionId });
  return { image: galleryImage(stores.assetsBaseUrl, ready) };
}

/** `GET /images?kind=`: the newest ready images of a kind (at most 100). */
export async function listImages(stores: Pick<UploadStores, 'images' | 'assetsBaseUrl'>, kind: ImageKind): Promise<{ images: GalleryImage[] }> {
  const ready = await stores.images.listReady(kind, 100);
  return { images: ready.map((r) => galleryImage(stores.assetsBaseUrl, r)) };
}

/** A ready image of `kind` for a composition, or the refusal naming `field`. */
export async function readyImage(images: ImageStore, field: string, imageId: string, kind: ImageKind): Promise<ImageRecord & { version: string }> {
  const record = await images.get(imageId);
  if (!record) throw noSuchImage(field, imageId);
  if (record.kind !== kind) throw invalidImage('wrong-kind', `${field}: image ${imageId} is a ${record.kind}, not a ${kind}`, { field });
  if (record.status !== 'ready' || !record.version) throw new Refusal('conflict', 'ImageNotReady', `${field}: image ${imageId} is not ready: complete its upload first`, { field });
  return record as ImageRecord & { version: string };
}
