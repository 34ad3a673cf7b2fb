import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { placedFilter } from '../../domain/scope';
import { noticeKey } from '../../services/sending/notifier';
import { publishLetter } from '../../services/commitments/publish-letter';
import { currentUser, effectiveScope, inCallerScope } from '../authorize';
import type { AppOptions } from '../context';
import type { RouteTable } from '../route-table';
import { createThumbnails } from '../thumbnails';

export const letterBody = z.object({
  texts: z.object({ 'zh-CN': z.string().trim().min(20).max(5000), en: z.string().trim().min(20).max(5000).optional() }).strict(),
}).strict();

/** `POST /letters` (a new commitment letter, announced) and `GET /photos/:id` (the image itself). */
export function letterAndPhotoRoutes(o: AppOptions, router: RouteTable): void {

  router.post('/letters', 'letters:publish', async (ctx) => {
    const user = currentUser(ctx);
    const body = letterBody.parse(ctx.request.body ?? {});
    const { letter, rooms } = await publishLetter(o, { texts: body.texts, by: `user:${user.id}` });
    const announced = await o.notifier.post(rooms.map((g) => {
      const lng = g.locale ?? o.locale;
      return { key: noticeKey.letter(letter.version, g.roomId!), roomId: g.roomId!, text: o.t('bot:letter.updated', { lng, version: letter.version, letter: letter.texts[lng] ?? letter.texts['zh-CN'] }) };
    }));
    ctx.status = 201;
    ctx.body = { ...letter, announced };
  });

  const thumbnail = createThumbnails();
  router.get('/photos/:id', 'photos:read', async (ctx) => {
    const notFound = new DomainError('not_found', 'photo', { what: o.t('api:what.record', { lng: ctx.state.lng }) });
    const photo = await o.store.photos.get(String(ctx.params.id).slice(0, 64));
    if (!photo) throw notFound;
    // a photo lies where what it shows lies: its house, else its hazard's, else its tip's place
    // (a tip naming no house is street-wide); outside the caller's scope it does not exist
    const scope = placedFilter(await effectiveScope(o.store, ctx, undefined));
    if (Object.keys(scope).length > 0) {
      const place = photo.houseId ? await o.store.houses.get(photo.houseId)
        : photo.hazardId ? await o.store.hazards.get(photo.hazardId)
          : photo.tipId ? await o.store.tips.get(photo.tipId) : null;
      if (!place || !inCallerScope(ctx, place, 'photos:read')) throw notFound;
    }
    const thumb = ctx.query.thumb === '1' ? await thumbnail(photo.sha256, () => o.store.blobs.get(photo.sha256)) : null;
    const bytes = thumb ?? await o.store.blobs.get(photo.sha256);
    if (!bytes) throw notFound;
    ctx.type = thumb ? 'image/jpeg' : photo.mime;
    ctx.set('Cache-Control', 'private, max-age=86400, immutable');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = bytes;
  });
}
