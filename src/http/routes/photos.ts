import { DomainError } from '../../domain/errors';
import { placedFilter } from '../../domain/scope';
import { effectiveScope, inCallerScope } from '../authorize';
import type { AppOptions } from '../context';
import type { RouteTable } from '../route-table';
import { createThumbnails } from '../thumbnails';

/** `GET /photos/:id`: the image itself (or its thumbnail), where the caller may see what it shows. */
export function photoRoutes(o: AppOptions, router: RouteTable): void {
  const thumbnail = createThumbnails();
  router.get('/photos/:id', 'photos:read', async (ctx) => {
    const notFound = new DomainError('not_found', 'photo', { what: o.t('api:what.record', { lng: ctx.state.lng }) });
    const photo = await o.store.photos.get(String(ctx.params.id).slice(0, 64));
    if (!photo) throw notFound;
    // a photo lies where what it shows lies: its house, else its hazard's, else its tip's place
    // (a tip naming no house is street-wide); outside the caller's scope it does not exist
    const scope = placedFilter(await effectiveScope(o.store, ctx, undefined));
    if (Object.keys(scope).length > 0) {
      const place = photo.houseId
        ? await o.store.houses.get(photo.houseId)
        : photo.hazardId
          ? await o.store.hazards.get(photo.hazardId)
          : photo.tipId
            ? await o.store.tips.get(photo.tipId)
            : null;
      if (!place || !inCallerScope(ctx, place, 'photos:read')) throw notFound;
    }
    const thumb = ctx.query.thumb === '1' ? await thumbnail(photo.sha256, () => o.store.blobs.get(photo.sha256)) : null;
    const bytes = thumb ?? (await o.store.blobs.get(photo.sha256));
    if (!bytes) throw notFound;
    ctx.type = thumb ? 'image/jpeg' : photo.mime;
    ctx.set('Cache-Control', 'private, max-age=86400, immutable');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = bytes;
  });
}
