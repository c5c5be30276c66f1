import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startFrontend, type Frontend } from './server';
import { buildWebInto } from '../../shared/local-run';

/** What the gallery needs of a running compositor (the local world). */
export interface GalleryBackend {
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly assetsBaseUrl: string;
  /** The S3 endpoint browsers POST uploads to. */
  readonly s3Endpoint: string;
}

export interface LocalGallery extends Frontend {
  stop(): Promise<void>;
}

/**
 * The gallery on 127.0.0.1 in front of a local compositor: its static files built into a folder of
 * its own (as `npx projen examples:build` builds them for the image), the server run in this
 * process with the configuration the container gets from its environment.
 */
export async function startLocalGallery(backend: GalleryBackend, options: { port?: number; log?: boolean } = {}): Promise<LocalGallery> {
  const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'images-gallery-'));
  try {
    buildWebInto(path.join(__dirname, 'static'), staticDir);
    const frontend = await startFrontend({
      apiUrl: backend.apiUrl,
      apiKey: backend.apiKey,
      assetsBaseUrl: backend.assetsBaseUrl,
      uploadOrigin: new URL(backend.s3Endpoint).origin,
      staticDir,
      log: options.log ?? false,
    }, options.port ?? 0);
    return {
      ...frontend,
      stop: async () => {
        await frontend.close();
        fs.rmSync(staticDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(staticDir, { recursive: true, force: true });
    throw error;
  }
}
