import type { ChecklistItem } from '../../src/domain/types';
import { receivePhoto } from '../../src/services/inspection/receive-photo';
import { answerMenu, nameItem, type PhotoOutcome } from '../../src/services/inspection/submit-photo';
import { TIP_MAX_PHOTOS } from '../../src/services/tips/tips';
import type { BotContext, Handler, HandlerTable, Reply } from '../bot-context';

const itemName = (ctx: BotContext, i: ChecklistItem) => ctx.t(`items.${i}`);

/** How a photo's outcome is said to the landlord (@mentioned in a room). */
export function photoReply(ctx: BotContext, o: PhotoOutcome | null): Reply | null {
  if (!o) return null;
  switch (o.status) {
    case 'labelled':
      if (o.missing.length === 0) return ctx.answer(ctx.t('photo.complete', { code: o.house.code }));
      return ctx.answer(
        ctx.t('photo.labelled', {
          code: o.house.code,
          item: itemName(ctx, o.item),
          count: o.missing.length,
          missing: o.missing.map((i) => itemName(ctx, i)).join('、'),
        }),
      );
    case 'ask_item':
      return ctx.answer(
        ctx.t('photo.ask', {
          code: o.house.code,
          menu: o.menu.map((i, n) => `${n + 1} ${itemName(ctx, i)}${o.done.includes(i) ? ' ✓' : ''}`).join('\n'),
        }),
      );
    case 'ask_house':
      return ctx.answer(ctx.t('photo.ask_house', { menu: o.houses.map((h, n) => `${n + 1} ${h.code}`).join('\n') }));
    case 'duplicate':
      return ctx.answer(ctx.t(o.sameHouse ? 'photo.duplicate_same' : 'photo.duplicate'));
    case 'waiting':
      return ctx.answer(
        ctx.t(o.house ? 'photo.waiting_house' : 'photo.waiting', { item: itemName(ctx, o.item), code: o.house?.code ?? '' }),
      );
    case 'evidence':
      return ctx.answer(ctx.t('hazard.rectified', { number: o.hazard.number, code: o.hazard.houseCode }));
    case 'queued':
      return null; // a burst: its first photo's question covers this one
    case 'answered':
      return ctx.answer(
        [
          ...o.labels.map((l) => ctx.t('photo.nth', { n: l.ordinal, item: itemName(ctx, l.item) })),
          ...o.houses.map((h) =>
            h.missing.length === 0
              ? ctx.t('photo.complete', { code: h.house.code })
              : ctx.t('photo.missing', {
                  code: h.house.code,
                  count: h.missing.length,
                  missing: h.missing.map((i) => itemName(ctx, i)).join('、'),
                }),
          ),
          ...(o.left > 0 ? [ctx.t('photo.left', { count: o.left })] : []),
        ].join('\n'),
      );
    case 'expired':
      return ctx.answer(ctx.t('photo.expired', { minutes: o.minutes }));
  }
}

/** A photo, whatever it turns out to be (the service decides): said back to the sender. */
const photo: Handler<'photo'> = async (ctx, cmd) => {
  const o = await receivePhoto(ctx.deps, {
    speaker: ctx.speaker,
    said: ctx.said,
    where: ctx.where,
    bytes: cmd.bytes,
    messageId: ctx.messageId,
  });
  if (o.status === 'tip_first') return ctx.answer(ctx.t('tip.photo_first'));
  if (o.status === 'ignored') return null;
  if (o.status === 'tip_photo')
    return ctx.answer(ctx.t('tip.photo', { number: o.tip.number, count: o.tip.photoIds.length, max: TIP_MAX_PHOTOS }));
  return photoReply(ctx, o);
};

const item: Handler<'item'> = async (ctx, cmd) => {
  const o = await nameItem(ctx.deps, { speaker: ctx.speaker, said: ctx.said, item: cmd.item, houseCode: cmd.houseCode });
  // in a group, an item named before its photo is answered once, by the photo's reply (issue 25: one action, one reply)
  if (o?.status === 'waiting' && ctx.where === 'room') return null;
  return photoReply(ctx, o);
};
const menuNumber: Handler<'menuNumber'> = async (ctx, cmd) =>
  photoReply(ctx, await answerMenu(ctx.deps, { speaker: ctx.speaker, said: ctx.said, ns: [cmd.n, ...(cmd.rest ?? [])] }));

/** Photos, and the item names (`烟感`, `P00004 烟感`) and menu numbers that answer the bot's questions about them. */
export const photoHandlers: HandlerTable = {
  room: { photo, item, menuNumber },
  private: { photo, item, menuNumber },
};
