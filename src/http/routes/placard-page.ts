import Router from '@koa/router';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { z, ZodError } from 'zod';
import { DomainError } from '../../domain/errors';
import { shortenAddress } from '../../domain/privacy';
import { houseOfPlacard } from '../../services/houses/placards';
import { PUBLIC_TIP_MAX_PHOTOS, PUBLIC_TIP_MAX_TEXT, PUBLIC_TIPS_PER_HOUSE_PER_DAY, reportTipAtHouse } from '../../services/tips/tips';
import type { AppOptions, AppState, Ctx } from '../context';
import { errorParams, STATUS } from '../error-middleware';
import { placardError, placardForm, placardNotFound, placardThanks, type PlacardSay } from '../placard-html';
import { formatBytes, photosUpload, uploadedFiles } from '../upload';

/** a phone's photo, at most this big on the public page (the bot takes up to 20 MB; a form on mobile data needs less) */
export const PLACARD_PHOTO_MAX_BYTES = 10 * 1024 * 1024;
/** the most one request may carry: three photos and the text, with the multipart framing */
export const PLACARD_BODY_MAX_BYTES = PUBLIC_TIP_MAX_PHOTOS * PLACARD_PHOTO_MAX_BYTES + 64 * 1024;
/** reports one address may send in a day (a neighbour reporting twice is normal; a script is not) */
export const PLACARD_PER_ADDRESS_PER_DAY = 5;
const DAY_S = 86_400;

const reportBody = z.object({ text: z.string().trim().min(1).max(PUBLIC_TIP_MAX_TEXT) });

/**
 * 一户一码's public page (issue 27): the product's first write without a sign-in. `GET /p/:token`
 * is a small Chinese form to report a hazard at that house; `POST` makes it a tip of the house.
 * What keeps it from being abused: the token (unguessable, rotatable: a made-up or rotated one
 * is the same 404 page), limits per address and per house a day (the per-house one also counted
 * in the store, so it holds across restarts and processes), the body and photo size limits, and
 * the bot's photo gate. Nothing personal is shown: the house's code and street number only.
 */
export function placardPageRoutes(o: AppOptions): Router<AppState> {
  const router = new Router<AppState>();
  const perAddress = new RateLimiterMemory({
    keyPrefix: 'placard-ip',
    points: o.placardLimits?.perAddressPerDay ?? PLACARD_PER_ADDRESS_PER_DAY,
    duration: DAY_S,
  });
  // in-process and atomic, so a burst of parallel requests cannot all pass the store's count at once
  const perHouse = new RateLimiterMemory({ keyPrefix: 'placard-house', points: PUBLIC_TIPS_PER_HOUSE_PER_DAY, duration: DAY_S });
  const upload = photosUpload({
    field: 'photos',
    maxFiles: PUBLIC_TIP_MAX_PHOTOS,
    maxBytes: PLACARD_PHOTO_MAX_BYTES,
    fields: 1,
    fieldSize: 16 * 1024,
  });
  // Chinese first, whatever the phone's browser asks for (a placard hangs on a Chinese door); `?lng=en` for English
  const say = (ctx: Ctx): PlacardSay => ({ t: o.t, lng: ctx.query.lng === 'en' ? 'en' : 'zh-CN' });
  const html = (ctx: Ctx, status: number, body: string) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  };
  const limited = (limit: number) => (e: unknown) => {
    if (e instanceof RateLimiterRes) throw new DomainError('too_many_tips', 'placard', { limit });
    throw e;
  };

  router.get('/p/:token', async (ctx) => {
    const house = await houseOfPlacard(o, String(ctx.params.token));
    if (!house) return html(ctx, 404, placardNotFound(say(ctx)));
    html(
      ctx,
      200,
      placardForm(say(ctx), {
        code: house.code,
        place: shortenAddress(house.address),
        action: `/p/${String(ctx.params.token)}${ctx.query.lng === 'en' ? '?lng=en' : ''}`,
        staffLink: `/#placard/${String(ctx.params.token)}`,
        maxText: PUBLIC_TIP_MAX_TEXT,
        maxPhotos: PUBLIC_TIP_MAX_PHOTOS,
        photoSize: formatBytes(PLACARD_PHOTO_MAX_BYTES),
      }),
    );
  });

  router.post('/p/:token', async (ctx) => {
    const token = String(ctx.params.token);
    const back = `/p/${token}`;
    const house = await houseOfPlacard(o, token);
    if (!house) return html(ctx, 404, placardNotFound(say(ctx)));
    try {
      if (Number(ctx.get('content-length') || 0) > PLACARD_BODY_MAX_BYTES)
        throw new DomainError('payload_too_large', 'body', { limit: formatBytes(PLACARD_BODY_MAX_BYTES) });
      await perAddress.consume(ctx.ip).catch(limited(o.placardLimits?.perAddressPerDay ?? PLACARD_PER_ADDRESS_PER_DAY));
      await upload(ctx as never, async () => undefined);
      const { text } = reportBody.parse((ctx.request as { body?: unknown }).body ?? {});
      await perHouse.consume(house.id).catch(limited(PUBLIC_TIPS_PER_HOUSE_PER_DAY));
      const tip = await reportTipAtHouse(o, { house, text, photos: uploadedFiles(ctx) });
      html(ctx, 201, placardThanks(say(ctx), { number: tip.number, back }));
    } catch (e) {
      const { lng } = say(ctx);
      if (e instanceof ZodError)
        return html(
          ctx,
          400,
          placardError(say(ctx), { message: o.t('api:details.tip_text_required', { lng, max: PUBLIC_TIP_MAX_TEXT }), back }),
        );
      if (!(e instanceof DomainError) || STATUS[e.code] >= 500) throw e;
      const params = errorParams(e, o.t, lng);
      const message = o.t(`api:errors.${e.code}`, { lng, ...params, detail: params.detail ?? '', what: params.what ?? '' });
      html(ctx, STATUS[e.code], placardError(say(ctx), { message, back }));
    }
  });
  return router;
}
