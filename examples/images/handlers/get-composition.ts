import { imagesApi } from './http/route';
import { compositionStatus } from '../domain/compositions';
import { CompositionKeyParams } from '../domain/model';
import { assetsBaseUrl } from '../storage/clients';
import { compositionCache } from '../storage/stores';

/** `GET /compositions/{key}`: `{ key, status: queued|ready|failed, url? }`, 404 for a key never asked for (or long expired). */
export const handler = imagesApi({
  params: CompositionKeyParams,
  handle: ({ params }) => compositionStatus({ cache: compositionCache(), assetsBaseUrl: assetsBaseUrl() }, params.key),
});
