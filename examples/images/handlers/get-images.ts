import { imagesApi } from './http/route';
import { listImages } from '../domain/images';
import { ListQuery } from '../domain/model';
import { assetsBaseUrl } from '../storage/clients';
import { imageStore } from '../storage/stores';

/** `GET /images?kind=cat|hat`: the gallery, the newest ready images of a kind with their URLs. */
export const handler = imagesApi({
  query: ListQuery,
  handle: ({ query }) => listImages({ images: imageStore(), assetsBaseUrl: assetsBaseUrl() }, query.kind),
});
