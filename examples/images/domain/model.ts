import * as z from 'zod';
import { IMAGE_KINDS, UPLOAD_CONTENT_TYPES, type ImageFormat, type ImageKind } from './settings';

/** The request bodies and parameters of the images API (the first layer: zod). */

/** Image ids are UUIDs made by `POST /uploads`. */
export const ImageId = z.uuid({ error: 'an image id (a UUID from POST /uploads)' });

/** Composition keys are SHA-256 hex digests (`compositionKey`). */
export const CompositionKey = z.string().regex(/^[0-9a-f]{64}$/, 'a composition key (64 hex digits)');

export const ImageKindSchema = z.enum(IMAGE_KINDS);

/** `POST /uploads`: what the client is about to upload. */
export const UploadRequest = z.strictObject({
  kind: ImageKindSchema,
  contentType: z.string().min(1).max(100),
  /** The file's size in bytes. */
  size: z.number().int().positive(),
});
export type UploadRequest = z.infer<typeof UploadRequest>;

const finite = z.number().refine(Number.isFinite, 'a finite number');

/**
 * Where the hat goes on the cat: its centre at (`x`, `y`), fractions of the cat's width and height
 * from the top left; `scale` the hat's width as a fraction of the cat's; `rotation` in degrees,
 * clockwise. Any finite numbers: `normalisePlacement` clamps and rounds them.
 */
export const Placement = z.strictObject({ x: finite, y: finite, scale: finite, rotation: finite });
export type Placement = z.infer<typeof Placement>;

/** `POST /compositions`. */
export const CompositionRequest = z.strictObject({ catId: ImageId, hatId: ImageId, placement: Placement });
export type CompositionRequest = z.infer<typeof CompositionRequest>;

/** `GET /images?kind=cat|hat`. */
export const ListQuery = z.strictObject({ kind: ImageKindSchema });

export const ImageIdParams = z.strictObject({ imageId: ImageId });
export const CompositionKeyParams = z.strictObject({ key: CompositionKey });

/** An item of the images table. */
export interface ImageRecord {
  readonly imageId: string;
  readonly kind: ImageKind;
  readonly status: 'pending' | 'ready';
  /** The content type the upload was signed for. */
  readonly contentType: keyof typeof UPLOAD_CONTENT_TYPES;
  /** ISO 8601, when the upload was asked for. */
  readonly createdAt: string;
  /** Set once ready: the SHA-256 (hex) of the validated bytes, the image's version. */
  readonly version?: string;
  /** Set once ready, when the bucket is versioned: the S3 version id of those bytes. */
  readonly s3VersionId?: string;
  readonly width?: number;
  readonly height?: number;
  readonly format?: ImageFormat;
}

/** A ready image as the gallery lists it. */
export interface GalleryImage {
  readonly imageId: string;
  readonly kind: ImageKind;
  readonly width: number;
  readonly height: number;
  readonly url: string;
}

/** What the compose worker receives: everything it needs, so it reads no table. */
export const CompositionJob = z.strictObject({
  key: CompositionKey,
  cat: z.strictObject({ imageId: ImageId, version: z.string().regex(/^[0-9a-f]{64}$/), s3VersionId: z.string().max(1024).optional() }),
  hat: z.strictObject({ imageId: ImageId, version: z.string().regex(/^[0-9a-f]{64}$/), s3VersionId: z.string().max(1024).optional() }),
  placement: Placement,
});
export type CompositionJob = z.infer<typeof CompositionJob>;

/** A composition's state, as `composition:<key>` holds it and `GET /compositions/{key}` answers it. */
export interface CompositionState {
  readonly status: 'queued' | 'ready' | 'failed';
  readonly url?: string;
  /** Why it failed (failed only). */
  readonly reason?: string;
}
